import { Field, ObjectType } from 'type-graphql';
import { Language } from './language';

@ObjectType({ description: 'A language a session can be created in.' })
export class LanguageOption {
  @Field(() => Language, { description: 'The enum value to send, such as EN_US.' })
  language!: Language;

  @Field(() => String, { description: 'The upstream language code, such as EN-US.' })
  code!: string;

  @Field(() => String, { description: 'The human name, such as English (United States).' })
  name!: string;
}
