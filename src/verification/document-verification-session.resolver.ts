import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context';
import { idempotencyKeyForField } from './idempotency-key';
import { CreateDocumentVerificationSessionInput } from './create-document-verification-session.input';
import { CreateDocumentVerificationSessionPayload } from './document-verification-session.type';

/** The mutation: one upstream POST per field (identical fields in one operation share it). */
@Resolver()
export class DocumentVerificationSessionResolver {
  @Mutation(() => CreateDocumentVerificationSessionPayload, {
    description:
      'Starts a document verification session for a person or business at Synctera. Forwards the Authorization and Idempotency-Key headers.',
  })
  createDocumentVerificationSession(
    @Arg('input', () => CreateDocumentVerificationSessionInput, {
      description: 'The customer and how the session runs.',
    })
    input: CreateDocumentVerificationSessionInput,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description:
        'The Idempotency-Key for this field (1–255 visible ASCII characters). Overrides the Idempotency-Key header; a retry must reuse it.',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CreateDocumentVerificationSessionPayload> {
    return context.synctera.createDocumentVerificationSession(
      input,
      idempotencyKeyForField(info, {
        argument: idempotencyKey,
        header: context.idempotencyKeyHeader,
      }),
    );
  }
}
