// A bar chart of one number per day, drawn as SVG by this code (no chart library, nothing fetched), redrawn to the
// width of its container. The numbers are also in a table under it, and the SVG has a <title> and <desc>.
import { h, replaceChildren } from './dom.js';
import { formatCompact, formatDay, formatNumber } from './format.js';

const svgNs = 'http://www.w3.org/2000/svg';
const height = 220;
const margin = { top: 14, right: 10, bottom: 28, left: 46 };
let charts = 0;

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** 1, 2 or 5 times a power of ten, at least `value`: the top of the scale. */
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map(step => step * power).find(top => top >= value);
}

/**
 * days: [{ date: "2026-03-03", messages }], oldest first; the last one is today. update() redraws only when they
 * changed; dispose() stops watching the container's width.
 */
export function dailyBarChart({ label }) {
  const id = `chart-${++charts}`;
  const plot = h('div', { class: 'chart-plot' });
  const rows = h('tbody');
  const element = h('figure', { class: 'chart' },
    plot,
    h('details', { class: 'chart-numbers' },
      h('summary', {}, 'Show the numbers'),
      h('table', { class: 'numbers' },
        h('caption', { class: 'visually-hidden' }, label),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day (UTC)'), h('th', { scope: 'col' }, 'Messages archived'))),
        rows)));
  let days = [];
  let signature = '';
  let width = 0;
  const observer = new ResizeObserver(() => {
    const measured = Math.floor(plot.clientWidth);
    if (measured > 0 && measured !== width) {
      width = measured;
      draw();
    }
  });
  observer.observe(plot);

  function draw() {
    if (width === 0 || days.length === 0) return;
    const innerWidth = width - margin.left - margin.right;
    const innerHeight = height - margin.top - margin.bottom;
    const max = Math.max(0, ...days.map(day => day.messages));
    const top = niceCeiling(max);
    // Whole numbers only: a half of 5 messages is no tick.
    const ticks = top % 2 === 0 ? [0, top / 2, top] : [0, top];
    const y = value => margin.top + innerHeight - (innerHeight * value) / top;
    const slot = innerWidth / days.length;
    const barWidth = Math.max(1, slot * 0.72);
    const total = days.reduce((sum, day) => sum + day.messages, 0);
    const busiest = days.reduce((best, day) => (day.messages > best.messages ? day : best), days[0]);
    const today = days[days.length - 1];
    const description = total === 0
      ? 'No message was archived in the last 30 days.'
      : `${formatNumber(total)} messages archived in the last 30 days (UTC days). The most on ${formatDay(busiest.date, { long: true })}: ${formatNumber(busiest.messages)}. Today: ${formatNumber(today.messages)}.`;

    const svg = s('svg', {
      width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'bar-chart',
    },
    s('title', { id: `${id}-title` }, label),
    s('desc', { id: `${id}-desc` }, description),
    s('g', { class: 'grid', 'aria-hidden': 'true' }, ticks.map(tick => [
      s('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis' : 'gridline' }),
      s('text', { x: margin.left - 6, y: y(tick), class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, formatCompact(tick)),
    ])),
    s('g', { class: 'bars' }, days.map((day, index) => {
      const barHeight = Math.max(0, margin.top + innerHeight - y(day.messages));
      const isToday = index === days.length - 1;
      return s('rect', {
        x: (margin.left + index * slot + (slot - barWidth) / 2).toFixed(2),
        y: (margin.top + innerHeight - barHeight).toFixed(2),
        width: barWidth.toFixed(2),
        height: barHeight.toFixed(2),
        class: isToday ? 'bar bar-today' : 'bar',
        'data-date': day.date,
        'data-messages': day.messages,
      }, s('title', {}, `${formatDay(day.date, { long: true })}${isToday ? ' (today)' : ''}: ${formatNumber(day.messages)} messages`));
    })),
    // A label every 7 days, counted back from today so that today always has one.
    s('g', { class: 'x-labels', 'aria-hidden': 'true' }, days.map((day, index) => (days.length - 1 - index) % 7 === 0
      ? s('text', {
        x: index === days.length - 1 ? width - margin.right : margin.left + (index + 0.5) * slot,
        y: height - 8,
        class: 'axis-label',
        'text-anchor': index === days.length - 1 ? 'end' : 'middle',
      }, index === days.length - 1 ? 'Today' : formatDay(day.date))
      : null)));
    replaceChildren(plot, svg);
  }

  return {
    element,
    update(next) {
      const fresh = JSON.stringify(next);
      if (fresh === signature) return;
      signature = fresh;
      days = next.map(day => ({ date: String(day.date), messages: Number(day.messages ?? 0) }));
      replaceChildren(rows, days.map((day, index) => h('tr', {},
        h('th', { scope: 'row' }, formatDay(day.date, { long: true }), index === days.length - 1 ? ' (today)' : ''),
        h('td', {}, formatNumber(day.messages)))));
      draw();
    },
    dispose() { observer.disconnect(); },
  };
}
