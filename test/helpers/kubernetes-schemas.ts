/**
 * Validates Kubernetes manifests against the official API schemas, two ways, because neither
 * catches everything:
 * - `kubernetes-models` runs the OpenAPI schema of each kind: formats (a quantity, an int or a
 *   string), allowed values (`imagePullPolicy`, a strategy's `type`) and required fields. Its
 *   schemas let unknown fields through, so a misspelt optional field passes it; a cluster that
 *   does not validate fields strictly would drop it and apply the default.
 * - `kubernetes-types` through the TypeScript compiler: each object becomes an object literal
 *   typed as its kind, and excess-property checks report every unknown field, with wrong types.
 *   It knows no formats or allowed values (a quantity or a strategy's `type` is any string).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { KUBERNETES_DIR, parseManifestDocuments } from './kubernetes';

/** Either check that reports a problem. */
export type SchemaCheck = 'kubernetes-models' | 'kubernetes-types';

export interface SchemaProblem {
  /** The label of the manifest file the object came from. */
  readonly file: string;
  readonly check: SchemaCheck;
  /** Where in the object (`spec.ports[0].prot`, or the schema's path) and what is wrong. */
  readonly message: string;
}

interface Schema {
  readonly model: new (data: never) => { validate(): void };
  /** The module of `kubernetes-types` that declares the kind, as an `import type` names it. */
  readonly types: string;
}

/** The schema of each `apiVersion kind` the manifests may hold. */
const SCHEMAS: Readonly<Record<string, Schema>> = {
  'v1 ConfigMap': { model: ConfigMap, types: 'kubernetes-types/core/v1' },
  'v1 Service': { model: Service, types: 'kubernetes-types/core/v1' },
  'apps/v1 Deployment': { model: Deployment, types: 'kubernetes-types/apps/v1' },
  'autoscaling/v2 HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    types: 'kubernetes-types/autoscaling/v2',
  },
  'policy/v1 PodDisruptionBudget': {
    model: PodDisruptionBudget,
    types: 'kubernetes-types/policy/v1',
  },
};

/** Kustomize's own file: not a Kubernetes object, so neither package has a schema for it. */
const NOT_OBJECTS = new Set(['kustomize.config.k8s.io/v1beta1 Kustomization']);

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  // The types are plain objects, arrays and unions: the smallest library is enough.
  lib: ['lib.es5.d.ts'],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
};

/** Parsed library and `kubernetes-types` files, shared by every program of the test run. */
const parsedFiles = new Map<string, ts.SourceFile>();

/**
 * Every schema problem of every object in `manifests` (`label` names the file in problems). A
 * file that is not valid YAML throws.
 */
export function validateManifests(
  manifests: ReadonlyArray<{ readonly label: string; readonly text: string }>,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  // The generated sources live beside the manifests, so `kubernetes-types` resolves from the
  // project's node_modules; they are never written to disk.
  const sources = new Map<string, { label: string; text: string }>();
  manifests.forEach(({ label, text }, fileIndex) => {
    parseManifestDocuments(label, text).forEach((object, documentIndex) => {
      const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
      const key = `${String(apiVersion)} ${String(kind)}`;
      if (NOT_OBJECTS.has(key)) return;
      const schema = SCHEMAS[key];
      if (schema === undefined) {
        const message = `no schema for apiVersion ${String(apiVersion)}, kind ${String(kind)}`;
        problems.push({ file: label, check: 'kubernetes-models', message });
        problems.push({ file: label, check: 'kubernetes-types', message });
        return;
      }
      try {
        new schema.model(object as never).validate();
      } catch (error) {
        problems.push({
          file: label,
          check: 'kubernetes-models',
          message: error instanceof Error ? error.message : String(error),
        });
      }
      const typeName = String(kind);
      sources.set(join(KUBERNETES_DIR, `manifest-${fileIndex}-${documentIndex}.ts`), {
        label,
        text:
          `import type { ${typeName} } from '${schema.types}';\n\n` +
          `export const manifest: ${typeName} = ${JSON.stringify(object, null, 2)};\n`,
      });
    });
  });
  if (sources.size > 0) problems.push(...typeCheck(sources));
  return problems;
}

/** Type-checks the generated sources in one program; problems name the manifest, not the source. */
function typeCheck(sources: ReadonlyMap<string, { label: string; text: string }>): SchemaProblem[] {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (fileName) => sources.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(fileName)?.text ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const source = sources.get(fileName);
    if (source !== undefined) {
      return ts.createSourceFile(fileName, source.text, languageVersion, true);
    }
    let parsed = parsedFiles.get(fileName);
    if (parsed === undefined) {
      parsed = getSourceFile.call(host, fileName, languageVersion, ...rest);
      if (parsed !== undefined) parsedFiles.set(fileName, parsed);
    }
    return parsed;
  };
  const program = ts.createProgram([...sources.keys()], COMPILER_OPTIONS, host);

  const problems: SchemaProblem[] = [];
  for (const diagnostic of [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ]) {
    problems.push({ file: '(compiler)', check: 'kubernetes-types', message: text(diagnostic) });
  }
  for (const [fileName, { label }] of sources) {
    const sourceFile = program.getSourceFile(fileName);
    if (sourceFile === undefined) throw new Error(`${label}: the generated source was not loaded`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
    ];
    for (const diagnostic of diagnostics) {
      const path = diagnostic.start === undefined ? '' : fieldPath(sourceFile, diagnostic.start);
      problems.push({
        file: label,
        check: 'kubernetes-types',
        message: path === '' ? text(diagnostic) : `${path}: ${text(diagnostic)}`,
      });
    }
  }
  return problems;
}

function text(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
}

/** The field of the manifest at `position` of its generated source, as `spec.ports[0].port`. */
function fieldPath(sourceFile: ts.SourceFile, position: number): string {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = node
      .getChildren(sourceFile)
      .find((c) => c.getStart(sourceFile) <= position && position < c.getEnd());
    if (child === undefined) break;
    node = child;
  }
  const parts: string[] = [];
  for (let at: ts.Node | undefined = node; at !== undefined; at = at.parent) {
    const parent: ts.Node | undefined = at.parent;
    if (ts.isPropertyAssignment(at) && ts.isStringLiteral(at.name)) parts.unshift(at.name.text);
    if (parent !== undefined && ts.isArrayLiteralExpression(parent)) {
      parts.unshift(`[${parent.elements.indexOf(at as ts.Expression)}]`);
    }
  }
  return parts.join('.').replaceAll('.[', '[');
}
