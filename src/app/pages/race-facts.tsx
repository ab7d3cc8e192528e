// The race's facts for a runner's distance, as rows of a definition list: when it starts, the date and
// the place. The confirmation page and the manage page show them alike.
import { formatRaceDate } from '../../domain/confirmation-email.js';
import type { Distance, Race } from '../../domain/race.js';

export function RaceFacts(props: { race: Race; distance: Distance | undefined }) {
  const { race, distance } = props;
  return (
    <>
      <dt>Start time</dt>
      <dd>{distance ? `${distance.startTime} (${race.timeZone})` : 'To be announced'}</dd>
      <dt>Date</dt>
      <dd>{formatRaceDate(race)}</dd>
      <dt>Place</dt>
      <dd>{race.place}</dd>
    </>
  );
}
