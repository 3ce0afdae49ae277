import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by another subgraph: `resolvable: false`, this one can only point at persons. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: 'A person customer. Other subgraphs contribute its other fields.' })
export class Person {
  @Field(() => ID, { description: 'The Synctera person ID.' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: 'A business customer. Other subgraphs contribute its other fields.' })
export class Business {
  @Field(() => ID, { description: 'The Synctera business ID.' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

export const Customer = createUnionType({
  name: 'Customer',
  description: 'The customer whose documents a session verifies.',
  types: () => [Person, Business] as const,
  resolveType: (value) => (value instanceof Person ? Person : Business),
});
