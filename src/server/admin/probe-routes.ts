// Liveness, readiness and Prometheus metrics.
import type { DaemonState } from '../daemon-state.js';
import type { GateMetrics } from '../metrics.js';
import { sendJson } from './json-io.js';
import type { Route } from './router.js';

/** GET /healthz, /readyz and /metrics. */
export function probeRoutes(state: DaemonState, metrics: Pick<GateMetrics, 'text' | 'contentType'>): Route[] {
  return [
    {
      method: 'GET', path: '/healthz', action: 'healthz',
      async handler({ res }) {
        sendJson(res, 200, { status: 'ok' });
      },
    },
    {
      // 503 until every configured gate has had one sync attempt, so an orchestrator does not
      // hand containers a gate that was never filled.
      method: 'GET', path: '/readyz', action: 'readyz',
      async handler({ res }) {
        const { ready, waiting } = state.readiness();
        sendJson(res, ready ? 200 : 503, ready ? { ready } : { ready, waiting });
      },
    },
    {
      method: 'GET', path: '/metrics', action: 'metrics',
      async handler({ res }) {
        const text = await metrics.text();
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
        res.end(text);
      },
    },
  ];
}
