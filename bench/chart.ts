/**
 * The synth-time chart: an SVG drawn here, rendered to PNG by rsvg-convert (Debian package librsvg2-bin).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

/** One line of a panel. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** [N, seconds] points. */
  readonly points: Array<[number, number]>;
}

/** One panel: a title and its lines. */
export interface Panel {
  readonly title: string;
  readonly series: Series[];
}

const W = 1060;
const H = 470;
const PANEL_W = 420;
const PANEL_H = 320;
const TOP = 84;
const LEFTS = [70, 600];

function niceStep(max: number): number {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The chart as SVG text. */
export function renderSvg(title: string, subtitle: string, panels: Panel[], yLabel: string): string {
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="26" font-size="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${W / 2}" y="46" font-size="12" text-anchor="middle" fill="#444">${esc(subtitle)}</text>`);
  const xMax = Math.max(...panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x))));
  const yTop = Math.max(...panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([, y]) => y)))) * 1.08;
  const yStep = niceStep(yTop);
  const yMax = Math.ceil(yTop / yStep) * yStep;
  const xStep = niceStep(xMax);
  panels.forEach((panel, index) => {
    const left = LEFTS[index];
    const x = (v: number) => left + (v / xMax) * PANEL_W;
    const y = (v: number) => TOP + PANEL_H - (v / yMax) * PANEL_H;
    out.push(`<text x="${left + PANEL_W / 2}" y="${TOP - 10}" font-size="14" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    for (let v = 0; v <= yMax + 1e-9; v += yStep) {
      out.push(`<line x1="${left}" x2="${left + PANEL_W}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e4e4"/>`);
      out.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${+v.toFixed(2)}</text>`);
    }
    for (let v = 0; v <= xMax + 1e-9; v += xStep) {
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${TOP + PANEL_H}" y2="${TOP + PANEL_H + 5}" stroke="#333"/>`);
      out.push(`<text x="${x(v)}" y="${TOP + PANEL_H + 18}" font-size="11" text-anchor="middle">${v}</text>`);
    }
    out.push(`<rect x="${left}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#333"/>`);
    out.push(`<text x="${left + PANEL_W / 2}" y="${TOP + PANEL_H + 36}" font-size="12" text-anchor="middle">N (pairs or endpoints in the app)</text>`);
    out.push(`<text transform="translate(${left - 48} ${TOP + PANEL_H / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text>`);
    panel.series.forEach((s, i) => {
      const d = s.points.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="7 4"' : ''}/>`);
      for (const [px, py] of s.points) {
        out.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="4" fill="${s.color}"/>`);
      }
      const ly = TOP + 16 + i * 18;
      out.push(`<line x1="${left + 12}" x2="${left + 40}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="7 4"' : ''}/>`);
      out.push(`<text x="${left + 46}" y="${ly}" font-size="12">${esc(s.label)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Writes the SVG and renders it to `pngPath`. */
export function renderPng(svg: string, svgPath: string, pngPath: string): void {
  fs.writeFileSync(svgPath, svg);
  execFileSync('rsvg-convert', ['--format=png', '--output', pngPath, svgPath]);
}
