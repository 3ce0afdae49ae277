/** The content type of every JSON answer, GraphQL ones included (as Apollo Server sends it). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
