import { readManifestFiles } from '../helpers/kubernetes';
import {
  type SchemaCheck,
  type SchemaProblem,
  validateManifests,
} from '../helpers/kubernetes-schemas';

const MANIFESTS = readManifestFiles();

/** The text of deploy/kubernetes/`file`, with `from` (found exactly once) replaced by `to`. */
function plant(file: string, from: string, to: string): string {
  const text = MANIFESTS.find((m) => m.file === file)?.text;
  if (text === undefined) throw new Error(`no ${file} in deploy/kubernetes`);
  if (text.split(from).length !== 2) throw new Error(`${file}: ${JSON.stringify(from)} not once`);
  return text.replace(from, to);
}

interface PlantedMistake {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** What each check must report, or null where it must stay silent. */
  readonly reported: Readonly<Record<SchemaCheck, RegExp | null>>;
}

const PLANTED: readonly PlantedMistake[] = [
  {
    name: 'a Service port spelt `prot:`',
    file: 'service.yaml',
    from: '      port: 80\n',
    to: '      prot: 80\n',
    reported: {
      'kubernetes-models': /spec\/ports\/0 must have required property port/,
      'kubernetes-types':
        /^spec\.ports\[0\]\.prot: .*'"prot"' does not exist in type 'ServicePort'/,
    },
  },
  {
    name: 'a probe port spelt `prot:`',
    file: 'deployment.yaml',
    from: '              path: /ready\n              port: http\n',
    to: '              path: /ready\n              prot: http\n',
    reported: {
      'kubernetes-models': /readinessProbe\/httpGet must have required property port/,
      'kubernetes-types':
        /^spec\.template\.spec\.containers\[0\]\.readinessProbe\.httpGet\.prot: .*'"prot"' does not exist/,
    },
  },
  {
    name: '`replicas: two`',
    file: 'deployment.yaml',
    from: '\n  selector:\n',
    to: '\n  replicas: two\n  selector:\n',
    reported: {
      'kubernetes-models': /spec\/replicas must be integer/,
      'kubernetes-types': /^spec\.replicas: Type 'string' is not assignable to type 'number'/,
    },
  },
  {
    // A cluster that drops unknown fields would give the pod Kubernetes' default time to stop,
    // shorter than the shutdown.
    name: 'a misspelt optional field (`terminationGracePeriodSecond`)',
    file: 'deployment.yaml',
    from: 'terminationGracePeriodSeconds:',
    to: 'terminationGracePeriodSecond:',
    reported: {
      'kubernetes-models': null,
      'kubernetes-types': /^spec\.template\.spec\.terminationGracePeriodSecond: .*does not exist/,
    },
  },
  {
    name: 'a container port with an unknown field beside its `containerPort`',
    file: 'deployment.yaml',
    from: '              containerPort: 4000\n',
    to: '              containerPort: 4000\n              prot: 4000\n',
    reported: {
      'kubernetes-models': null,
      'kubernetes-types': /^spec\.template\.spec\.containers\[0\]\.ports\[0\]\.prot: .*'"prot"'/,
    },
  },
  {
    name: 'a value outside the allowed ones (`type: Rolling`)',
    file: 'deployment.yaml',
    from: 'type: RollingUpdate',
    to: 'type: Rolling',
    reported: {
      'kubernetes-models': /spec\/strategy\/type must be equal to one of the allowed values/,
      'kubernetes-types': null,
    },
  },
  {
    name: 'a quantity in no known format (`cpu: lots`)',
    file: 'deployment.yaml',
    from: 'cpu: 250m',
    to: 'cpu: lots',
    reported: {
      'kubernetes-models': /requests\/cpu must match format "quantity"/,
      'kubernetes-types': null,
    },
  },
];

describe('the Kubernetes manifests against the official schemas', () => {
  it('pass kubernetes-models validation and the kubernetes-types type check', () => {
    const problems = validateManifests(MANIFESTS.map(({ file, text }) => ({ label: file, text })));
    expect(problems).toEqual([]);
  });

  describe('a planted mistake in a real manifest is reported', () => {
    let problems: SchemaProblem[];
    beforeAll(() => {
      // One program for every planted file.
      problems = validateManifests(
        PLANTED.map(({ name, file, from, to }) => ({ label: name, text: plant(file, from, to) })),
      );
    });

    it.each(PLANTED)('$name', ({ name, reported }) => {
      for (const [check, expected] of Object.entries(reported)) {
        const messages = problems
          .filter((p) => p.file === name && p.check === check)
          .map((p) => p.message);
        if (expected === null) expect({ check, messages }).toEqual({ check, messages: [] });
        else
          expect({ check, messages }).toEqual({
            check,
            messages: [expect.stringMatching(expected)],
          });
      }
    });
  });
});
