// A moment as a runner reads it on the race's clock: "Wednesday 9 December 2026, 14:30 (Europe/Paris)",
// for the deadlines the waitlist's emails give (an offer's, a held place's). Pure, so it reads the same
// in Node and workerd: the words are put together here from the formatter's parts rather than taken
// whole, because ICU versions differ in their punctuation ("Wednesday, 9 December" or "Wednesday 9
// December", "at 14:30" or ", 14:30").

// Building a formatter costs more than the rest of an email: one per time zone (a race has one).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // Throws a RangeError for a time zone Intl does not know, before anything is kept.
    format = new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** "Wednesday 9 December 2026, 14:30 (Europe/Paris)": the date and 24-hour time in `timeZone`, named. */
export function formatDateTimeInZone(date: Date, timeZone: string): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  // Throws a RangeError for an invalid date.
  for (const { type, value } of formatter(timeZone).formatToParts(date)) parts[type] = value;
  const { weekday, day, month, year, hour, minute } = parts;
  return `${weekday} ${day} ${month} ${year}, ${hour}:${minute} (${timeZone})`;
}
