// Strategy resource shapes (TypeBox): the API representation, create and merge-patch bodies, list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, LanguageTag, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const KINDS = ['visual_schedule', 'behavior_chart', 'social_script', 'coping_strategy', 'parent_letter', 'book_list',
  'picture_book', 'video', 'article', 'activity', 'other'] as const;
export const SETTINGS = ['school', 'home', 'both'] as const;
export const SCOPES = ['district', 'school'] as const;

const Url = () => Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'An http(s) link' });
const Tag = () => Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$', description: 'A free tag, e.g. transitions' });
const GradeBand = () => Text(20, { minLength: 1, description: 'e.g. K-2, 3-5, 6-8, 9-12' });

export const StrategyResource = Type.Object({
  id: Uuid(),
  title: Type.String(),
  kind: StringEnum(KINDS),
  summary: Nullable(Type.String()),
  body: Nullable(Type.String({ description: 'Markdown' })),
  url: Nullable(Type.String()),
  languages: Type.Array(Type.String(), { description: 'BCP 47 tags of the languages the resource is available in' }),
  gradeBand: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  setting: StringEnum(SETTINGS, { description: 'Where the strategy is used' }),
  scope: StringEnum(SCOPES, { description: '"district": the whole district\'s library; "school": one school\'s' }),
  schoolId: Nullable(Uuid({ description: 'Set exactly when scope is "school"' })),
  createdBy: Uuid({ description: 'The staff member who added the resource' }),
  archivedAt: Nullable(DateTime({ description: 'Archived resources stay readable where they were shared but cannot be shared again' })),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'StrategyResource', additionalProperties: false });
export type StrategyResource = Static<typeof StrategyResource>;

const writable = {
  title: Text(300, { minLength: 1 }),
  kind: StringEnum(KINDS),
  summary: Nullable(Text(2000)),
  body: Nullable(Text(100_000, { description: 'Markdown' })),
  url: Nullable(Url()),
  languages: Type.Array(LanguageTag(), { maxItems: 20, uniqueItems: true }),
  gradeBand: Nullable(GradeBand()),
  tags: Type.Array(Tag(), { maxItems: 30, uniqueItems: true }),
  setting: StringEnum(SETTINGS),
  scope: StringEnum(SCOPES),
  schoolId: Nullable(Uuid()),
};

export const StrategyResourceCreate = Type.Object({
  ...writable,
  summary: Type.Optional(writable.summary),
  body: Type.Optional(writable.body),
  url: Type.Optional(writable.url),
  languages: Type.Optional(writable.languages),
  gradeBand: Type.Optional(writable.gradeBand),
  tags: Type.Optional(writable.tags),
  setting: Type.Optional(StringEnum(SETTINGS, { default: 'both' })),
  scope: Type.Optional(StringEnum(SCOPES, { default: 'district' })),
  schoolId: Type.Optional(writable.schoolId),
  createdBy: Type.Optional(Uuid({ description: 'Defaults to the calling staff member; admins and integrations may name another' })),
}, {
  $id: 'StrategyResourceCreate', additionalProperties: false,
  description: 'A resource needs a body, a url or both; schoolId is required exactly when scope is "school".',
});
export type StrategyResourceCreate = Static<typeof StrategyResourceCreate>;

/** JSON merge patch (RFC 7396): present fields replace, null clears. */
export const StrategyResourcePatch = Type.Partial(Type.Object(writable), {
  $id: 'StrategyResourcePatch', additionalProperties: false, minProperties: 1,
});
export type StrategyResourcePatch = Static<typeof StrategyResourcePatch>;

export const StrategyResourceListQuery = ListQuery({
  kind: StringEnum(KINDS),
  setting: StringEnum(SETTINGS),
  scope: StringEnum(SCOPES),
  schoolId: Uuid(),
  tag: Tag(),
  language: LanguageTag(),
  gradeBand: GradeBand(),
  archived: Type.Boolean({ description: 'true: only archived resources; false (the default): only current ones' }),
  createdBy: Uuid(),
  updatedSince: DateTime(),
  q: Text(200, { minLength: 1, description: 'Words in the title or summary' }),
});
export type StrategyResourceListQuery = Static<typeof StrategyResourceListQuery>;
