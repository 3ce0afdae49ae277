/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What the document verification session is for and how it runs. */
export type CreateDocumentVerificationSessionInput = {
  /** The customer whose documents are verified. */
  customer: CustomerRefInput;
  /** Restricts the documents the end customer may submit; any kind when omitted. */
  documentType?: DocumentType | null | undefined;
  /** The language of the session. */
  language?: Language | null | undefined;
  /** Send an SMS with the session link to the phone number on the customer's record. */
  sendSms?: boolean | null | undefined;
};

/** Exactly one of personId or businessId. */
export type CustomerRefInput =
  {   /** The Synctera business ID. */
  businessId: string; personId?: never; }
  |  { businessId?: never;   /** The Synctera person ID. */
  personId: string; };

/** The kind of identity document the end customer may submit in a session. */
export type DocumentType =
  /** A driver's license. */
  | 'LICENSE'
  /** A passport. */
  | 'PASSPORT';

/** The language the verification session is presented in. Each value is the upstream code with "-" replaced by "_" (EN_US is EN-US). */
export type Language =
  /** Arabic */
  | 'AR'
  /** Arabic (Saudi Arabia) */
  | 'AR_SA'
  /** Bengali */
  | 'BN'
  /** Czech (Czech Republic) */
  | 'CS_CZ'
  /** Danish (Denmark) */
  | 'DA_DK'
  /** German (Germany) */
  | 'DE_DE'
  /** English */
  | 'EN'
  /** English (Australia) */
  | 'EN_AU'
  /** English (Canada) */
  | 'EN_CA'
  /** English (United Kingdom) */
  | 'EN_GB'
  /** English (United States) */
  | 'EN_US'
  /** Spanish */
  | 'ES'
  /** Spanish (World) */
  | 'ES_001'
  /** Spanish (Argentina) */
  | 'ES_AR'
  /** Spanish (Spain) */
  | 'ES_ES'
  /** Spanish (Mexico) */
  | 'ES_MX'
  /** Spanish (United States) */
  | 'ES_US'
  /** Finnish (Finland) */
  | 'FI_FI'
  /** French */
  | 'FR'
  /** French (Canada) */
  | 'FR_CA'
  /** Hebrew (Israel) */
  | 'HE_IL'
  /** Hindi (India) */
  | 'HI_IN'
  /** Haitian Creole */
  | 'HT'
  /** Hungarian (Hungary) */
  | 'HU_HU'
  /** Armenian */
  | 'HY'
  /** Indonesian (Indonesia) */
  | 'ID_ID'
  /** Italian */
  | 'IT'
  /** Italian (Switzerland) */
  | 'IT_CH'
  /** Japanese (Japan) */
  | 'JA_JP'
  /** Korean */
  | 'KO'
  /** Malay (Malaysia) */
  | 'MS_MY'
  /** Dutch (Netherlands) */
  | 'NL_NL'
  /** Norwegian (Norway) */
  | 'NO_NO'
  /** Polish (Poland) */
  | 'PL_PL'
  /** Portuguese (Brazil) */
  | 'PT_BR'
  /** Portuguese (Portugal) */
  | 'PT_PT'
  /** Romanian (Moldova) */
  | 'RO_MO'
  /** Romanian (Romania) */
  | 'RO_RO'
  /** Russian */
  | 'RU'
  /** Slovak (Slovakia) */
  | 'SK_SK'
  /** Swedish (Sweden) */
  | 'SV_SE'
  /** Thai (Thailand) */
  | 'TH_TH'
  /** Tagalog */
  | 'TL'
  /** Turkish (Turkey) */
  | 'TR_TR'
  /** Urdu */
  | 'UR'
  /** Vietnamese */
  | 'VI'
  /** Chinese (Simplified, China) */
  | 'ZH_CN'
  /** Chinese (Traditional, Hong Kong) */
  | 'ZH_HK'
  /** Chinese (Traditional, Taiwan) */
  | 'ZH_TW';

/** The state of a document verification session. */
export type SessionState =
  /** The end customer has submitted the requested documents. */
  | 'COMPLETE'
  /** The session is pending verification. */
  | 'PENDING';

export type OnboardingLanguagesQueryVariables = Exact<{ [key: string]: never; }>;


export type OnboardingLanguagesQuery = { documentVerificationLanguages: Array<{ language: Language, name: string }> };

export type StartVerificationMutationVariables = Exact<{
  input: CreateDocumentVerificationSessionInput;
  idempotencyKey: string;
}>;


export type StartVerificationMutation = { createDocumentVerificationSession: { idempotencyKey: string, session: { id: string | null, sessionId: string, state: SessionState, url: string } } };


export const OnboardingLanguagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OnboardingLanguages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"documentVerificationLanguages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"language"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<OnboardingLanguagesQuery, OnboardingLanguagesQueryVariables>;
export const StartVerificationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartVerification"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateDocumentVerificationSessionInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createDocumentVerificationSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"idempotencyKey"}},{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]} as unknown as DocumentNode<StartVerificationMutation, StartVerificationMutationVariables>;