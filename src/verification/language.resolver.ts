import { Query, Resolver } from 'type-graphql';
import { LANGUAGES } from './language';
import { LanguageOption } from './language-option.type';

const LANGUAGE_OPTIONS: readonly LanguageOption[] = Object.freeze(
  LANGUAGES.map(({ value, code, name }) => ({ language: value, code, name })),
);

@Resolver()
export class LanguageResolver {
  @Query(() => [LanguageOption], {
    description: 'Languages a session can be created in, for building a picker.',
  })
  documentVerificationLanguages(): readonly LanguageOption[] {
    return LANGUAGE_OPTIONS;
  }
}
