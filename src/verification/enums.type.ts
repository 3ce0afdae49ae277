import { registerEnumType } from 'type-graphql';
import { LANGUAGES, Language } from './language';

export enum DocumentType {
  LICENSE = 'LICENSE',
  PASSPORT = 'PASSPORT',
}

export enum SessionState {
  PENDING = 'PENDING',
  COMPLETE = 'COMPLETE',
}

registerEnumType(DocumentType, {
  name: 'DocumentType',
  description: 'The kind of identity document the end customer may submit in a session.',
  valuesConfig: {
    LICENSE: { description: "A driver's license." },
    PASSPORT: { description: 'A passport.' },
  },
});

registerEnumType(SessionState, {
  name: 'SessionState',
  description: 'The state of a document verification session.',
  valuesConfig: {
    PENDING: { description: 'The session is pending verification.' },
    COMPLETE: { description: 'The end customer has submitted the requested documents.' },
  },
});

registerEnumType(Language, {
  name: 'Language',
  description:
    'The language the verification session is presented in. Each value is the upstream code with "-" replaced by "_" (EN_US is EN-US).',
  valuesConfig: Object.fromEntries(
    LANGUAGES.map(({ value, name }) => [value, { description: name }]),
  ),
});
