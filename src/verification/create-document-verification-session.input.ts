import { GraphQLUUID } from 'graphql-scalars';
import { Directive, Field, InputType } from 'type-graphql';
import { DocumentType } from './enums.type';
import { DEFAULT_LANGUAGE, Language } from './language';

@Directive('@oneOf')
@InputType({ description: 'Exactly one of personId or businessId.' })
export class CustomerRefInput {
  @Field(() => GraphQLUUID, { nullable: true, description: 'The Synctera person ID.' })
  personId?: string | null;

  @Field(() => GraphQLUUID, { nullable: true, description: 'The Synctera business ID.' })
  businessId?: string | null;
}

@InputType({ description: 'What the document verification session is for and how it runs.' })
export class CreateDocumentVerificationSessionInput {
  @Field(() => CustomerRefInput, { description: 'The customer whose documents are verified.' })
  customer!: CustomerRefInput;

  @Field(() => DocumentType, {
    nullable: true,
    description: 'Restricts the documents the end customer may submit; any kind when omitted.',
  })
  documentType?: DocumentType | null;

  @Field(() => Language, {
    nullable: true,
    defaultValue: DEFAULT_LANGUAGE,
    description: 'The language of the session.',
  })
  language?: Language | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Send an SMS with the session link to the phone number on the customer's record.",
  })
  sendSms?: boolean | null;
}
