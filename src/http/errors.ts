// The typed errors services throw; one handler renders them as problem+json and one GraphQL formatter as extensions.code.
export interface FieldError {
  /** JSON Pointer to the offending field, e.g. "/body/guardianIds/0". */
  path: string;
  message: string;
}

export type ErrorCode =
  | 'KINSHIP_VALIDATION'
  | 'KINSHIP_UNAUTHENTICATED'
  | 'KINSHIP_FORBIDDEN'
  | 'KINSHIP_NOT_FOUND'
  | 'KINSHIP_CONFLICT'
  | 'KINSHIP_PRECONDITION_FAILED'
  | 'KINSHIP_PRECONDITION_REQUIRED'
  | 'KINSHIP_UNPROCESSABLE'
  | 'KINSHIP_PAYLOAD_TOO_LARGE'
  | 'KINSHIP_UNSUPPORTED_MEDIA_TYPE'
  | 'KINSHIP_RATE_LIMITED'
  | 'KINSHIP_UNAVAILABLE'
  | 'KINSHIP_INTERNAL';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(detail: string, errors: FieldError[] = []) {
    super(400, 'KINSHIP_VALIDATION', 'Invalid request', detail, errors);
  }
}

/** Well-formed input that breaks a domain rule (e.g. a goal of another student). */
export class UnprocessableError extends AppError {
  constructor(detail: string, errors: FieldError[] = []) {
    super(422, 'KINSHIP_UNPROCESSABLE', 'Request breaks a rule', detail, errors);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(detail = 'A valid bearer token is required') {
    super(401, 'KINSHIP_UNAUTHENTICATED', 'Unauthenticated', detail, undefined, {
      'www-authenticate': 'Bearer realm="kinship-api", error="invalid_token"',
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'The token does not allow this operation') {
    super(403, 'KINSHIP_FORBIDDEN', 'Forbidden', detail);
  }
}

export class NotFoundError extends AppError {
  constructor(recordType: string, id?: string) {
    super(404, 'KINSHIP_NOT_FOUND', 'Not found', id === undefined ? `${recordType} not found` : `${recordType} ${id} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(409, 'KINSHIP_CONFLICT', 'Conflict', detail, errors);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(detail = 'If-Match does not match the current ETag of the resource') {
    super(412, 'KINSHIP_PRECONDITION_FAILED', 'Precondition failed', detail);
  }
}

export class UnavailableError extends AppError {
  constructor(detail: string, retryAfterSeconds = 5) {
    super(503, 'KINSHIP_UNAVAILABLE', 'Service unavailable', detail, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}
