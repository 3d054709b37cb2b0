/**
 * Calendar days in an IANA time zone, computed with Intl so daylight saving is followed: withdrawal months and
 * loyalty programs' windows are whole local days of their zone. Pure: no clock is read here, callers pass the instant.
 */

/** A local calendar day: `YYYY-MM-DD`. */
export type LocalDate = string;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (an IANA name such as Australia/Sydney). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `timeZone` at `instant` (ms, whole seconds), as if it were UTC. */
function wallClock(instant: number, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
}

/** The local day holding `instant`. */
export function localDate(instant: number, timeZone: string): LocalDate {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days (negative: back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The first instant (ms) of local day `date` in `timeZone`: its local midnight. */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const local = Date.UTC(y, m - 1, d);
  // The zone's offset near the target, then corrected once more in case a DST change lies in between.
  let guess = local - (wallClock(local, timeZone) - local);
  guess = local - (wallClock(guess, timeZone) - guess);
  // A zone that skips midnight (a DST change at 00:00) starts the day at the change: what the clock shows then.
  const seen = wallClock(guess, timeZone);
  if (seen < local) guess += local - seen;
  return guess;
}

/** The zone's offset from UTC at `instant`, in minutes (Sydney: 600, or 660 in summer). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((wallClock(whole, timeZone) - whole) / 60_000);
}
