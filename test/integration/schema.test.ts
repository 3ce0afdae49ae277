import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  isScalarType,
  GraphQLEnumType,
  GraphQLInputObjectType,
} from 'graphql';
import { createSubgraphSchema, printSubgraphSdl } from '../../src/graphql/schema';
import { LANGUAGES } from '../../src/verification/language';

const ROOT = resolve(__dirname, '../..');
const FEDERATION_TYPES = /^(_Service|_Any|_Entity|link__\w+|federation__\w+)$/;
const FEDERATION_FIELDS = new Set(['_entities', '_service']);

describe('subgraph schema', () => {
  let schema: GraphQLSchema;
  let sdl: string;

  beforeAll(() => {
    schema = createSubgraphSchema();
    sdl = printSubgraphSdl(schema);
  });

  it('matches the committed schema/schema.graphql (run npm run schema:print)', () => {
    expect(readFileSync(resolve(ROOT, 'schema/schema.graphql'), 'utf8')).toBe(`${sdl}\n`);
  });

  it('links to Federation 2 and declares @oneOf', () => {
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toContain('directive @oneOf on INPUT_OBJECT');
    expect(sdl).toMatch(/input CustomerRefInput\s+@oneOf/);
  });

  it('has Person and Business as unresolvable entity stubs with only an id', () => {
    for (const name of ['Person', 'Business']) {
      expect(sdl).toMatch(new RegExp(`type ${name}\\s+@key\\(fields: "id", resolvable: false\\)`));
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      expect(Object.keys(type.getFields())).toEqual(['id']);
      expect(String(type.getFields().id?.type)).toBe('ID!');
    }
    const customer = schema.getType('Customer');
    if (!isUnionType(customer)) throw new Error('Customer is not a union');
    expect(customer.getTypes().map(String)).toEqual(['Person', 'Business']);
  });

  it('has the contract fields, arguments and defaults', () => {
    const mutation = schema.getMutationType()?.getFields().createDocumentVerificationSession;
    expect(String(mutation?.type)).toBe('CreateDocumentVerificationSessionPayload!');
    expect(mutation?.args.map((arg) => `${arg.name}: ${String(arg.type)}`).sort()).toEqual([
      'idempotencyKey: String',
      'input: CreateDocumentVerificationSessionInput!',
    ]);
    const input = schema.getType(
      'CreateDocumentVerificationSessionInput',
    ) as GraphQLInputObjectType;
    const fields = input.getFields();
    expect(String(fields.customer?.type)).toBe('CustomerRefInput!');
    expect(String(fields.documentType?.type)).toBe('DocumentType');
    expect(fields.language?.defaultValue).toBe('EN_US');
    expect(fields.sendSms?.defaultValue).toBe(false);
    const ref = schema.getType('CustomerRefInput') as GraphQLInputObjectType;
    expect(ref.isOneOf).toBe(true);
    expect(Object.values(ref.getFields()).map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      'personId: UUID',
      'businessId: UUID',
    ]);
    const session = schema.getType('DocumentVerificationSession');
    if (!isObjectType(session)) throw new Error('DocumentVerificationSession missing');
    expect(Object.values(session.getFields()).map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      'id: ID',
      'sessionId: ID!',
      'state: SessionState!',
      'url: URL!',
      'customer: Customer!',
    ]);
    const option = schema.getType('LanguageOption');
    if (!isObjectType(option)) throw new Error('LanguageOption missing');
    expect(Object.values(option.getFields()).map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      'language: Language!',
      'code: String!',
      'name: String!',
    ]);
    expect(String(schema.getQueryType()?.getFields().documentVerificationLanguages?.type)).toBe(
      '[LanguageOption!]!',
    );
  });

  it('has the enums of the contract; Language has all 49 values described by their names', () => {
    const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues();
    expect(values('DocumentType').map((v) => v.name)).toEqual(['LICENSE', 'PASSPORT']);
    expect(values('SessionState').map((v) => v.name)).toEqual(['PENDING', 'COMPLETE']);
    expect(values('Language').map((v) => [v.name, v.description])).toEqual(
      LANGUAGES.map((l) => [l.value, l.name]),
    );
  });

  it('describes every type, field, argument and enum value it owns', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
      if (FEDERATION_TYPES.test(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (FEDERATION_FIELDS.has(field.name)) continue;
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description) missing.push(`${type.name}.${value.name}`);
        }
      }
      if (isScalarType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });
});
