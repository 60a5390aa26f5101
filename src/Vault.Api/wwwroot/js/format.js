const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const number = new Intl.NumberFormat();
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTime.format(date);
}

export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : shortDate.format(date);
}

/** "3 minutes ago" / "in 2 minutes"; the exact time goes into a title attribute beside it. */
export function formatRelative(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return formatDateTime(iso);
}

export function formatNumber(value) {
  return number.format(value ?? 0);
}

export function formatBytes(bytes) {
  let value = Number(bytes ?? 0);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Addresses arrive as strings or as { name, address } objects; show "Name <address>" either way. */
export function formatAddresses(value) {
  if (!value) return '';
  const list = Array.isArray(value) ? value : [value];
  return list.map(entry => {
    if (typeof entry === 'string') return entry;
    const address = entry.address ?? entry.email ?? '';
    return entry.name ? `${entry.name} <${address}>` : address;
  }).join(', ');
}

// A day of the overview's chart ("2026-03-03") is a UTC day: format it in UTC, or it may show as the day before.
const dayShort = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayLong = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDay(isoDay, { long = false } = {}) {
  const date = new Date(`${String(isoDay).slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(isoDay);
  return (long ? dayLong : dayShort).format(date);
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** 1200 as "1.2K": for axis labels. */
export function formatCompact(value) {
  return compact.format(value ?? 0);
}
