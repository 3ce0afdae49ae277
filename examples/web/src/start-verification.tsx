/**
 * The onboarding form: who to verify, with which document and in which language, then one
 * button that starts the verification through the unified graph.
 */
import { type FormEvent, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { describeError, type Problem } from './errors';
import {
  type CreateDocumentVerificationSessionInput,
  type DocumentType,
  type Language,
  OnboardingLanguagesDocument,
  StartVerificationDocument,
} from './generated/graphql';
import { useIdempotencyKeys } from './intent';

/**
 * How long the page waits for an answer. Longer than the gateway's own budget for the subgraph
 * (45 s in schema/router.yaml), so a slow verification service is reported by the server, with
 * its request id, before the page gives up on its own.
 */
const ANSWER_TIMEOUT_MS = 60_000;

type CustomerKind = 'person' | 'business';

export function StartVerification() {
  const languages = useQuery(OnboardingLanguagesDocument);
  const [start, { data, loading, reset }] = useMutation(StartVerificationDocument);
  const keys = useIdempotencyKeys();
  // `loading` disables the button on the next render; this ref also stops the second click of
  // a double click, which can arrive before that render.
  const inFlight = useRef(false);
  const [problem, setProblem] = useState<Problem>();

  const [token, setToken] = useState('');
  const [kind, setKind] = useState<CustomerKind>('person');
  const [customerId, setCustomerId] = useState('');
  const [documentType, setDocumentType] = useState<DocumentType | ''>('');
  const [language, setLanguage] = useState<Language>('EN_US');
  const [sendSms, setSendSms] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const input: CreateDocumentVerificationSessionInput = {
      customer:
        kind === 'person' ? { personId: customerId.trim() } : { businessId: customerId.trim() },
      documentType: documentType === '' ? null : documentType,
      language,
      sendSms,
    };
    const idempotencyKey = keys.keyFor(input);
    // A request id of our own, so even a request whose answer never arrives can be found in
    // the server's logs.
    const requestId = crypto.randomUUID();
    setProblem(undefined);
    reset();
    try {
      const result = await start({
        variables: { input, idempotencyKey },
        context: {
          // No token, no header: the server answers UNAUTHENTICATED, which the page shows.
          headers: {
            ...(token.trim() === '' ? {} : { authorization: `Bearer ${token.trim()}` }),
            'x-request-id': requestId,
          },
          fetchOptions: { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) },
        },
      });
      keys.adopt(result.data?.createDocumentVerificationSession.idempotencyKey);
    } catch (error) {
      const described = describeError(error, requestId);
      keys.adopt(described.idempotencyKey);
      setProblem(described);
    } finally {
      inFlight.current = false;
    }
  }

  const session = data?.createDocumentVerificationSession.session;
  return (
    <form onSubmit={(event) => void onSubmit(event)}>
      <h1>Verify a customer’s identity document</h1>

      <label>
        Access token
        <input
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
      </label>

      <fieldset>
        <legend>Customer</legend>
        <label>
          <input
            type="radio"
            name="kind"
            checked={kind === 'person'}
            onChange={() => setKind('person')}
          />
          Person
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            checked={kind === 'business'}
            onChange={() => setKind('business')}
          />
          Business
        </label>
        <label>
          {kind === 'person' ? 'Person id' : 'Business id'}
          <input
            name="customerId"
            required
            placeholder="7d943c51-e4ff-4e57-9558-08cab6b963c7"
            value={customerId}
            onChange={(event) => setCustomerId(event.target.value)}
          />
        </label>
      </fieldset>

      <label>
        Document
        <select
          name="documentType"
          value={documentType}
          onChange={(event) => setDocumentType(event.target.value as DocumentType | '')}
        >
          <option value="">Any</option>
          <option value="PASSPORT">Passport</option>
          <option value="LICENSE">Driver’s license</option>
        </select>
      </label>

      <label>
        Language
        <select
          name="language"
          value={language}
          disabled={languages.loading}
          onChange={(event) => setLanguage(event.target.value as Language)}
        >
          {languages.data?.documentVerificationLanguages.map((option) => (
            <option key={option.language} value={option.language}>
              {option.name}
            </option>
          )) ?? (
            <option value={language}>
              {languages.error ? 'English (United States)' : 'Loading…'}
            </option>
          )}
        </select>
      </label>
      {languages.error && (
        <p role="alert">
          The list of languages could not be loaded; English (United States) is used.
        </p>
      )}

      <label>
        <input
          type="checkbox"
          name="sendSms"
          checked={sendSms}
          onChange={(event) => setSendSms(event.target.checked)}
        />
        Also text the link to the customer’s phone
      </label>

      <button type="submit" disabled={loading}>
        {loading ? 'Starting…' : 'Start verification'}
      </button>

      {problem && (
        <div role="alert" className="problem" data-code={problem.code}>
          <p>{problem.message}</p>
          <p className="support">
            For support: request id <code data-testid="request-id">{problem.requestId}</code>
          </p>
        </div>
      )}

      {session && (
        <div role="status" className="session">
          <p>
            Verification started. State: <strong data-testid="state">{session.state}</strong>
          </p>
          <p>
            <a href={session.url} target="_blank" rel="noopener noreferrer">
              Open the verification
            </a>{' '}
            or share this link with the customer.
          </p>
        </div>
      )}
    </form>
  );
}
