import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * A person, owned by another subgraph: this one only knows the id. `resolvable: false` tells the
 * router that this subgraph cannot look persons up, only point at them.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: 'A person customer. Other subgraphs contribute its other fields.' })
export class Person {
  @Field(() => ID, { description: 'The Synctera person ID.' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

/** A business, owned by another subgraph: this one only knows the id. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: 'A business customer. Other subgraphs contribute its other fields.' })
export class Business {
  @Field(() => ID, { description: 'The Synctera business ID.' })
  readonly id: string;

  constructor(id: string) {
    this.id = id;
  }
}

/** The customer a session verifies: a person or a business. */
export const Customer = createUnionType({
  name: 'Customer',
  description: 'The customer whose documents a session verifies.',
  types: () => [Person, Business] as const,
  resolveType: (value) => (value instanceof Person ? Person : Business),
});
