import { Router } from 'express';
import type { HealthReport } from '../http/ports.js';

export function healthRoutes(options: { health: () => HealthReport }): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const report = options.health();
    // 200 even when degraded: the service itself answers; load balancers read `status`.
    res.json(report);
  });
  return router;
}
