// Inside WeChat: hand the signed parameters to the JS bridge, then show the order.
const parameters = JSON.parse(document.getElementById("pay-jsapi").textContent);
function invoke() {
  window.WeixinJSBridge.invoke("getBrandWCPayRequest", parameters, (result) => {
    // The notification, not this answer, decides: reload to see the status.
    if (result.err_msg === "get_brand_wcpay_request:ok") window.location.reload();
  });
}
if (window.WeixinJSBridge) invoke();
else document.addEventListener("WeixinJSBridgeReady", invoke, false);
