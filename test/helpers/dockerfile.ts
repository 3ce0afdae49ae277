import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One instruction of a Dockerfile: `RUN npm ci` is `{ keyword: 'RUN', args: 'npm ci' }`. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** A build stage: its `FROM` arguments and the instructions after it. */
export interface Stage {
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

/** The repository's Dockerfile: the `ARG`s before the first stage, then its stages in order. */
export interface Dockerfile {
  readonly args: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

export const DOCKERFILE = resolve(__dirname, '../../Dockerfile');

/**
 * Reads the Dockerfile, enough of the syntax for this one file: comments, `\` continuations,
 * `ARG name=value` before the first `FROM`, and `${name}` in `FROM`.
 */
export function readDockerfile(path = DOCKERFILE): Dockerfile {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Array<{ from: string; instructions: Instruction[] }> = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    const stage = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const from = rest.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
      stages.push({ from, instructions: [] });
    } else if (stage !== undefined) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name = '', value = ''] = rest.split('=', 2);
      args.set(name, value);
    }
  }
  return { args, stages };
}

/** The arguments of a stage's instructions with this keyword, in order. */
export function argsOf(stage: Stage | undefined, keyword: string): string[] {
  return (stage?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** `ENV NAME=value` instructions of a stage, as an environment. */
export function envOf(stage: Stage | undefined): Record<string, string> {
  return Object.fromEntries(
    argsOf(stage, 'ENV').map((args) => {
      const [name = '', value = ''] = args.split('=', 2);
      return [name, value];
    }),
  );
}

/** The command of a stage's `CMD ["…", …]` (exec form, the only one the image uses). */
export function commandOf(stage: Stage | undefined): string[] {
  const [cmd] = argsOf(stage, 'CMD');
  if (cmd === undefined) throw new Error('the Dockerfile stage has no CMD');
  return JSON.parse(cmd) as string[];
}
