import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { KUBERNETES_DIR, type KubeObject, readManifests, single } from '../helpers/kubernetes';

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  envFrom: Array<{ configMapRef?: { name: string } }>;
  env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
}
interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
      };
    };
  };
}
interface ConfigMap extends KubeObject {
  data: Record<string, string>;
}
interface Service extends KubeObject {
  spec: { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> };
}
interface Scaler extends KubeObject {
  spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number };
}
interface DisruptionBudget extends KubeObject {
  spec: { selector: { matchLabels: Record<string, string> }; minAvailable: number };
}

/** Every environment variable the service reads: `env.NAME`, or `env, 'NAME'` as in config.ts. */
function variablesReadBySource(dir = resolve(__dirname, '../../src')): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|,\s*'([A-Z][A-Z0-9_]+)')/g)) {
      names.add((match[1] ?? match[2]) as string);
    }
  }
  return names;
}

describe('the Kubernetes manifests (deploy/kubernetes)', () => {
  const objects = readManifests();
  const deployment = single<Deployment>(objects, 'Deployment');
  const configMap = single<ConfigMap>(objects, 'ConfigMap');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Container;
  const config = loadConfig(configMap.data);

  it('are the files kustomization.yaml applies, one object kind each', () => {
    const { resources } = parse(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8'));
    const files = objects.map((o) => o.file).filter((file) => file !== 'kustomization.yaml');
    expect([...resources].sort()).toEqual([...files].sort());
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Kustomization',
      'PodDisruptionBudget',
      'Service',
    ]);
  });

  it('configure a valid production server on the port the container declares', () => {
    expect(config.production).toBe(true);
    expect(config.upstream.baseUrl).toMatch(/^https:\/\//);
    expect(pod.containers).toHaveLength(1);
    expect(container.ports).toEqual([{ name: 'http', containerPort: config.port }]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
  });

  it('take the API key from a Secret, never from the ConfigMap', () => {
    expect(container.env.filter((e) => e.name === 'SYNCTERA_API_KEY')).toEqual([
      {
        name: 'SYNCTERA_API_KEY',
        valueFrom: { secretKeyRef: { name: expect.any(String), key: 'SYNCTERA_API_KEY' } },
      },
    ]);
    // Only the heap's bounds are set inline; every other variable comes from the ConfigMap.
    expect(container.env.map((e) => e.name).sort()).toEqual(['NODE_OPTIONS', 'SYNCTERA_API_KEY']);
    expect(Object.keys(configMap.data)).not.toContain('SYNCTERA_API_KEY');
  });

  it('name only variables the code reads', () => {
    const read = variablesReadBySource();
    expect(read).toContain('SHUTDOWN_GRACE_MS');
    const named = [...Object.keys(configMap.data), ...container.env.map((e) => e.name)];
    // NODE_OPTIONS is read by Node itself (the heap's bounds).
    expect(named.filter((name) => !read.has(name) && name !== 'NODE_OPTIONS')).toEqual([]);
  });

  it('give the pod longer to stop than the whole shutdown the code does', () => {
    // Every phase of the shutdown is a `shutdown…Ms` setting: the delay while routers notice
    // the pod is not ready, then the grace for requests in flight.
    const shutdownMs = Object.entries(config)
      .filter(([name]) => /^shutdown\w*Ms$/.test(name))
      .reduce((sum, [, value]) => sum + (value as number), 0);
    expect(shutdownMs).toBeGreaterThanOrEqual(config.shutdownGraceMs);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownMs);
  });

  it('probe liveness at /health and readiness at /ready on the named port', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  });

  it('run as non-root on a read-only root filesystem with no capabilities', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits?.memory).toEqual(expect.any(String));
  });

  it('leave the replica count to the autoscaler and select the same pods everywhere', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.selector.matchLabels).toEqual(labels);

    const service = single<Service>(objects, 'Service');
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);

    const scaler = single<Scaler>(objects, 'HorizontalPodAutoscaler');
    expect(scaler.spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name,
    });

    const budget = single<DisruptionBudget>(objects, 'PodDisruptionBudget');
    expect(budget.spec.selector.matchLabels).toEqual(labels);
    expect(budget.spec.minAvailable).toBeLessThan(scaler.spec.minReplicas);
  });
});
