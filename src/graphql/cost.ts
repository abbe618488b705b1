// Query cost limit: each field costs 1, and a list field taking `first` multiplies its selection by it (default 50).
import {
  GraphQLError, getNamedType, isInterfaceType, isObjectType, Kind, valueFromAST,
  type FragmentDefinitionNode, type GraphQLNamedType, type SelectionSetNode, type ValidationContext, type ASTVisitor,
} from 'graphql';

const DEFAULT_PAGE = 50;

export function costLimitRule(maxCost: number, variables: Record<string, unknown> = {}) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }

    const costOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, seen: Set<string>): number => {
      let cost = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const fields = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields() : undefined;
          const definition = fields?.[selection.name.value];
          const child = selection.selectionSet ? costOf(selection.selectionSet, definition ? getNamedType(definition.type) : undefined, seen) : 0;
          let multiplier = 1;
          const firstArg = definition?.args.find((a) => a.name === 'first');
          if (firstArg) {
            const node = selection.arguments?.find((a) => a.name.value === 'first');
            const value = node ? valueFromAST(node.value, firstArg.type, variables) : undefined;
            multiplier = typeof value === 'number' && value > 0 ? value : DEFAULT_PAGE;
          }
          cost += 1 + multiplier * child;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? parent : parent;
          cost += costOf(selection.selectionSet, type, seen);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
          cost += costOf(fragment.selectionSet, type, new Set([...seen, name]));
        }
      }
      return cost;
    };

    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType()
          : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        const cost = costOf(node.selectionSet, root ?? undefined, new Set());
        if (cost > maxCost) {
          context.reportError(new GraphQLError(
            `The query costs ${cost}, above the limit of ${maxCost}: ask for fewer fields or smaller pages (first)`,
            { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost } }));
        }
      },
    };
  };
}
