import { GraphQLURL } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Business, Customer, Person } from './customer.type';
import { SessionState } from './enums.type';

@ObjectType({
  description:
    'A document verification session: share its url with the end customer, then pass its sessionId to /verifications/verify.',
})
export class DocumentVerificationSession {
  @Field(() => ID, {
    nullable: true,
    description: 'Unique ID of this session record, when the upstream returns one.',
  })
  id!: string | null;

  @Field(() => ID, {
    description: 'ID of the session, to pass to the /verifications/verify request.',
  })
  sessionId!: string;

  @Field(() => SessionState, { description: 'The current state of the session.' })
  state!: SessionState;

  @Field(() => GraphQLURL, {
    description: 'Link to the session, to share with the end customer.',
  })
  url!: string;

  @Field(() => Customer, { description: 'The person or business the session verifies.' })
  customer!: Person | Business;
}

@ObjectType({ description: 'The result of createDocumentVerificationSession.' })
export class CreateDocumentVerificationSessionPayload {
  @Field(() => DocumentVerificationSession, { description: 'The session that was created.' })
  session!: DocumentVerificationSession;

  @Field(() => String, {
    description: 'The Idempotency-Key that was sent upstream for this field.',
  })
  idempotencyKey!: string;
}
