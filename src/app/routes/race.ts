import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function raceRoutes({ race }: Pick<AppDeps, 'race'>) {
  const app = new Hono();
  app.get('/api/race', async (c) => {
    const taken = await c.get('services').store.countRegistrationsByDistance(race.id);
    return c.json({
      id: race.id,
      name: race.name,
      date: race.date,
      place: race.place,
      timeZone: race.timeZone,
      distances: race.distances.map((d) => ({
        id: d.id,
        label: d.label,
        startTime: d.startTime,
        cap: d.cap,
        spotsLeft: Math.max(0, d.cap - (taken[d.id] ?? 0)),
      })),
    });
  });
  return app;
}
