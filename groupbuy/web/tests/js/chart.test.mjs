import assert from "node:assert/strict";
import { test } from "node:test";

import { chartConfig } from "../../static/web/js/chart.js";

test("money series are drawn in yuan and gaps stay gaps", () => {
  const config = chartConfig({
    kind: "bar",
    labels: ["1 Dec", "2 Dec"],
    money: true,
    series: [{ label: "GMV", values: [12345, null] }],
  });
  assert.equal(config.type, "bar");
  assert.deepEqual(config.data.datasets[0].data, [123.45, null]);
  assert.equal(config.options.plugins.legend.display, false);
  assert.equal(config.options.scales.y.ticks.callback(12.5), "¥12.5");
  assert.equal(config.options.scales.y.ticks.stepSize, undefined);
});

test("a money chart with nothing in it yet ticks in whole yuan", () => {
  const config = chartConfig({
    kind: "line",
    labels: ["1 Dec", "2 Dec"],
    money: true,
    series: [{ label: "saved", values: [0, null] }],
  });
  assert.equal(config.options.scales.y.ticks.stepSize, 1);
});

test("counts are drawn as they are, several series get a legend", () => {
  const config = chartConfig({
    kind: "line",
    labels: ["a"],
    money: false,
    series: [
      { label: "opened", values: [3] },
      { label: "succeeded", values: [2] },
    ],
  });
  assert.equal(config.type, "line");
  assert.deepEqual(config.data.datasets[1].data, [2]);
  assert.equal(config.options.plugins.legend.display, true);
  assert.equal(config.options.scales.y.ticks.precision, 0); // no "0.5 pools" tick
});
