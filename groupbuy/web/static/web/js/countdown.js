// data-module="countdown": the synchronised countdown of the clock app
// (groupbuy/clock/static/clock/countdown.js; docs/clock.md).
export { applyDeadline, formatRemaining, init } from "../../clock/countdown.js";
