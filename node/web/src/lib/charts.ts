/**
 * Bar charts as SVG, built without markup strings and without inline styles (the pages' CSP allows
 * neither): horizontal bars, one group per category, one bar per series. A chart is an image for
 * assistive technology (`role="img"` named by its `<title>`, summed up by its `<desc>`); the page
 * puts the same numbers in a table beside it, which is where a screen reader gets them.
 *
 * A value may be hidden (a suppressed count): no bar is drawn, a dashed stub and the text given as
 * `hiddenText` (such as "hidden (fewer than 5)") stand in its place, so that no length hints at the hidden number.
 *
 *   const svg = barChart({
 *     title: 'Offers by month', description: 'Offered and claimed, per month',
 *     series: [{ name: 'Offered', className: 'series-1' }],
 *     categories: [{ label: '2025-03', values: [{ value: 12 }] }]
 *   })
 */

const SVG_NS = 'http://www.w3.org/2000/svg'

/** One bar's figure: a number, nothing (null, drawn as no bar and "–"), or hidden. */
export interface BarValue {
  value: number | null
  hidden?: boolean
}

export interface BarSeries {
  /** Shown in the legend. */
  name: string
  /** A class of the bars (their colour, in the stylesheet). */
  className: string
}

export interface BarCategory {
  label: string
  /** One per series, in the order of `series`. */
  values: BarValue[]
}

export interface BarChartInit {
  title: string
  description: string
  series: BarSeries[]
  categories: BarCategory[]
  /** What a hidden value shows as (default "hidden"). */
  hiddenText?: string
  /** How a number is written at the end of its bar (default: as it is, grouped by locale). */
  format?: (value: number) => string
}

/** Layout, in the units of the viewBox (the SVG scales to its container). */
const WIDTH = 560
const LABEL_WIDTH = 170
const VALUE_GAP = 6
const VALUE_ROOM = 56
const BAR_HEIGHT = 16
const BAR_GAP = 3
const GROUP_GAP = 12
const LEGEND_HEIGHT = 28
/** A category's label wraps at word boundaries onto lines this long (as many lines as it takes). */
const MAX_LABEL_CHARS = 21
const LINE_HEIGHT = 16

let chartCount = 0

function s<K extends keyof SVGElementTagNameMap> (tag: K, attributes: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  element.append(...children)
  return element
}

/**
 * A label as lines of at most MAX_LABEL_CHARS, broken between words (a word longer than a line is
 * broken into pieces): the whole label, never cut short; its group grows to hold its lines.
 */
function labelLines (label: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of label.split(/\s+/).filter((w) => w !== '')) {
    let rest = word
    while (rest.length > 0) {
      const room = line === '' ? MAX_LABEL_CHARS : MAX_LABEL_CHARS - line.length - 1
      if (rest.length <= room) {
        line = line === '' ? rest : `${line} ${rest}`
        rest = ''
      } else if (line !== '') {
        lines.push(line)
        line = ''
      } else {
        lines.push(rest.slice(0, MAX_LABEL_CHARS))
        rest = rest.slice(MAX_LABEL_CHARS)
      }
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/** The largest number a chart shows (at least 1, so that an all-zero chart has a scale). */
function maxOf (categories: readonly BarCategory[]): number {
  let max = 1
  for (const c of categories) for (const v of c.values) if (v.hidden !== true && v.value != null && v.value > max) max = v.value
  return max
}

/** A horizontal grouped bar chart (see the top of this file). */
export function barChart (init: BarChartInit): SVGSVGElement {
  const { series, categories } = init
  if (!Array.isArray(series) || series.length === 0) throw new TypeError('barChart: init.series must name at least one series')
  const hiddenText = init.hiddenText ?? 'hidden'
  const format = init.format ?? ((n: number) => n.toLocaleString())
  const id = `chart-${++chartCount}`
  const barsHeight = series.length * BAR_HEIGHT + (series.length - 1) * BAR_GAP
  const labels = categories.map((c) => labelLines(c.label))
  const groupHeights = labels.map((lines) => Math.max(barsHeight, lines.length * LINE_HEIGHT))
  const height = LEGEND_HEIGHT + groupHeights.reduce((sum, g) => sum + g + GROUP_GAP, 0) + GROUP_GAP
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_GAP - VALUE_ROOM
  const max = maxOf(categories)

  const svg = s('svg', {
    xmlns: SVG_NS,
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'bar-chart',
    preserveAspectRatio: 'xMinYMin meet'
  })
  svg.append(s('title', { id: `${id}-title` }, init.title), s('desc', { id: `${id}-desc` }, init.description))

  // The legend: a swatch and a name per series.
  const legend = s('g', { class: 'legend', 'aria-hidden': 'true' })
  let x = LABEL_WIDTH
  for (const one of series) {
    legend.append(
      s('rect', { x, y: 6, width: 14, height: 14, class: `bar ${one.className}` }),
      s('text', { x: x + 20, y: 18, class: 'legend-text' }, one.name))
    x += 30 + one.name.length * 8
  }
  svg.append(legend)

  // The axis line at zero.
  const top = LEGEND_HEIGHT
  svg.append(s('line', { x1: LABEL_WIDTH, y1: top, x2: LABEL_WIDTH, y2: height - GROUP_GAP / 2, class: 'axis' }))

  let y0 = top + GROUP_GAP / 2
  categories.forEach((category, i) => {
    const groupHeight = groupHeights[i] as number
    const lines = labels[i] as string[]
    const group = s('g', { class: 'category' })
    // The label's lines, centred on the group; the bars too, when the label is the taller.
    const firstLine = y0 + (groupHeight - lines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT - 4
    const label = s('text', { x: LABEL_WIDTH - 8, y: firstLine, 'text-anchor': 'end', class: 'category-label' },
      ...lines.map((line, k) => s('tspan', { x: LABEL_WIDTH - 8, y: firstLine + k * LINE_HEIGHT }, line)))
    group.append(label)
    const barsTop = y0 + (groupHeight - barsHeight) / 2
    y0 += groupHeight + GROUP_GAP
    series.forEach((one, j) => {
      const v = category.values[j] ?? { value: null }
      const y = barsTop + j * (BAR_HEIGHT + BAR_GAP)
      const textY = y + BAR_HEIGHT - 4
      if (v.hidden === true) {
        group.append(
          s('rect', { x: LABEL_WIDTH, y, width: 10, height: BAR_HEIGHT, class: `bar hidden ${one.className}` }),
          s('text', { x: LABEL_WIDTH + 10 + VALUE_GAP, y: textY, class: 'bar-value hidden-value' }, hiddenText))
        return
      }
      if (v.value == null) {
        group.append(s('text', { x: LABEL_WIDTH + VALUE_GAP, y: textY, class: 'bar-value' }, '–'))
        return
      }
      const width = v.value <= 0 ? 0 : Math.max(1, Math.round(plotWidth * v.value / max))
      if (width > 0) group.append(s('rect', { x: LABEL_WIDTH, y, width, height: BAR_HEIGHT, class: `bar ${one.className}` }))
      group.append(s('text', { x: LABEL_WIDTH + width + VALUE_GAP, y: textY, class: 'bar-value' }, format(v.value)))
    })
    svg.append(group)
  })
  return svg
}
