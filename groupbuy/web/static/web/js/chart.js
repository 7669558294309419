// Draw a chart from the JSON a page embeds (templates/web/includes/chart.html).
// The same figures are in a table right after the canvas, so the page reads the
// same without JavaScript and to a screen reader; the canvas is aria-hidden.

let loading = null;

function loadChartJs(src) {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Chart);
      script.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(script);
    });
  }
  return loading;
}

const PALETTE = ["#e4393c", "#2f6fdf", "#2e9d5b", "#f0a020", "#7a4fd0", "#5f6b7a"];

export function chartConfig(spec) {
  // spec: {kind: "line"|"bar", labels: [...], money: bool,
  //        series: [{label, values: [...]}, ...]}; money values are fen.
  const scale = spec.money ? 100 : 1;
  // Nothing yet (every day ¥0): ticks ¥0 and ¥1, not ¥0.2, ¥0.4 … of an empty axis.
  const isEmpty = spec.series.every((series) => series.values.every((value) => !value));
  const moneyTicks = { callback: (value) => `¥${value}`, ...(isEmpty ? { stepSize: 1 } : {}) };
  return {
    type: spec.kind === "bar" ? "bar" : "line",
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, index) => ({
        label: series.label,
        data: series.values.map((value) => (value === null ? null : value / scale)),
        borderColor: PALETTE[index % PALETTE.length],
        backgroundColor: PALETTE[index % PALETTE.length],
        tension: 0.2,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: spec.series.length > 1 } },
      // Counts are whole (no "0.5 pools" tick); money ticks read as yuan.
      scales: {
        y: {
          beginAtZero: true,
          ticks: spec.money ? moneyTicks : { precision: 0 },
        },
      },
    },
  };
}

export async function init(element) {
  const data = element.querySelector("script[type='application/json']");
  const canvas = element.querySelector("canvas");
  if (!data || !canvas) return;
  const spec = JSON.parse(data.textContent);
  try {
    const Chart = await loadChartJs(element.dataset.chartSrc);
    new Chart(canvas, chartConfig(spec));
    element.dataset.chartDrawn = "1";
  } catch (error) {
    // The table below the canvas still shows every figure.
    element.classList.add("chart--failed");
    console.error("groupbuy: chart failed", error);
  }
}
