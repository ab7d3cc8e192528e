import { Hono } from 'hono';
export function raceRoutes() {
  const app = new Hono();
  app.get('/api/race', async (c) => {
    const { race, store } = c.get('deps');
    const taken = await store.countRegistrationsByDistance(race.id);
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
