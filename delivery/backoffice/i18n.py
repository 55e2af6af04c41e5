"""The back office speaks Chinese first and English on request (`?lang=en`, kept in the session)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

LANGS = ("zh", "en")

# key -> (中文, English); `{name}` placeholders are filled by `t`.
MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("商户后台", "Merchant back office"),
    "nav.orders": ("订单管理", "Orders"),
    "nav.stock": ("库存", "Stock"),
    "nav.apilog": ("API日志", "API log"),
    "nav.review": ("待审核", "Review queue"),
    "nav.notices": ("买家通知", "Buyer notices"),
    "nav.audit": ("操作记录", "Audit log"),
    "nav.logout": ("退出", "Log out"),
    "login.title": ("登录商户后台", "Log in to the back office"),
    "login.operator": ("操作员姓名", "Operator name"),
    "login.token": ("管理令牌", "Admin token"),
    "login.submit": ("登录", "Log in"),
    "group.all": ("全部", "All"),
    "group.pending": ("待支付", "Pending payment"),
    "group.processing": ("处理中", "Processing"),
    "group.stuck": ("已付款未发货", "Paid, not delivered"),
    "group.failed": ("失败", "Failed"),
    "group.delivered": ("已完成", "Delivered"),
    "group.manual": ("人工处理", "Manual handling"),
    "group.review": ("待审核", "In review"),
    "group.refund": ("退款", "Refund"),
    "group.expired": ("已过期", "Expired"),
    "orders.older": ("下单超过(分钟)", "Older than (minutes)"),
    "orders.filter": ("筛选", "Filter"),
    "orders.count": ("共 {n} 笔订单", "{n} orders"),
    "orders.oldest": ("最久等待 {minutes} 分钟", "oldest waits {minutes} min"),
    "orders.none": ("没有符合条件的订单", "No orders match"),
    "col.order_no": ("订单号", "Order no"),
    "col.product": ("商品", "Product"),
    "col.qty": ("数量", "Qty"),
    "col.amount": ("金额", "Amount"),
    "col.contact": ("联系方式", "Contact"),
    "col.status": ("状态", "Status"),
    "col.age": ("等待(分钟)", "Age (min)"),
    "col.available": ("可用", "Available"),
    "col.reserved": ("已锁定", "Reserved"),
    "col.delivered": ("已发出", "Delivered"),
    "col.low": ("预警线", "Low-stock line"),
    "col.kind": ("来源", "Source"),
    "col.time": ("时间", "Time"),
    "col.who": ("操作员", "Operator"),
    "col.action": ("操作", "Action"),
    "col.outcome": ("结果", "Outcome"),
    "col.detail": ("详情", "Detail"),
    "col.endpoint": ("接口", "Endpoint"),
    "col.code": ("状态码", "Status code"),
    "col.error": ("错误", "Error"),
    "stock.low": ("库存不足!", "LOW STOCK!"),
    "stock.supplier": ("供应商货源(发货时采购)", "supplier stock (bought at delivery)"),
    "stock.import": ("导入卡密(每行一个)", "Import keys (one per line)"),
    "apilog.supplier": ("供应商调用", "Supplier calls"),
    "apilog.payments": ("支付回调(已受理)", "Payment notifies (accepted)"),
    "apilog.last_payment": ("最近一次入账的付款(回调或补单):{at},{minutes} 分钟前",
                            "Last payment applied (notify or 补单): {at}, {minutes} min ago"),
    "apilog.no_payment": ("还没有入账的付款", "No payment applied yet"),
    "apilog.query_hint": ("买家已付款却仍是待支付?", "Paid but still pending?"),
    "apilog.anomalies": ("支付回调(已拒绝)", "Payment notifies (rejected)"),
    "apilog.outbox": ("消息发送(告警/买家邮件)", "Outgoing messages (alerts / buyer mail)"),
    "review.none": ("没有待审核订单", "Nothing waits for review"),
    "act.deliver": ("手动发货", "Deliver by hand"),
    "act.resend": ("重发卡密", "Resend codes"),
    "act.retry": ("重新发货(重新排队)", "Retry delivery (re-queue)"),
    "act.refund": ("退款", "Refund"),
    "act.approve": ("审核通过", "Approve"),
    "act.reject": ("拒绝", "Reject"),
    "act.coupon": ("发放优惠券", "Issue coupon"),
    "act.notice": ("发送通知", "Send notice"),
    "act.query": ("补单(向支付网关查单)", "Check payment at the gateway (补单)"),
    "act.query_all": ("批量补单:向网关查询全部待支付订单",
                      "Check all pending orders paid at the gateway (补单)"),
    "query.hint": ("买家说已付款但订单仍是待支付?支付回调可能丢了:向网关查单,已付款的补单并自动发货"
                   "(重复补单不会重复发货)。",
                   "Buyers say they paid but the order still shows pending? The payment notify "
                   "may be lost: ask the gateway; paid orders are marked paid and delivered "
                   "(a second check never delivers twice)."),
    "notice.subject": ("标题", "Subject"),
    "notice.body": ("正文(可用 {order_no} {minutes} {coupon})",
                    "Body (may use {order_no} {minutes} {coupon})"),
    "notice.minutes": ("承诺分钟数", "Promised minutes"),
    "notice.coupon": ("优惠券(可选)", "Coupon (optional)"),
    "notice.target": ("发送对象", "Send to"),
    "notice.one": ("单个订单", "One order"),
    "notice.list": ("这些订单(订单号用空格、逗号或换行分隔)",
                    "These orders (numbers separated by spaces, commas or lines)"),
    "notice.delayed": ("所有延迟订单(已付款未发货且等待超过)",
                       "All delayed orders (paid, waiting over)"),
    "coupon.code": ("优惠券码", "Coupon code"),
    "unit.min": ("分钟", "min"),
    # outcomes
    "out.delivered": ("已发货,卡密:{codes}", "Delivered codes: {codes}"),
    "out.already": ("该订单已于 {at} 发货(来源 {source}),本次未做任何操作;卡密:{codes}",
                    "Already delivered at {at} (source {source}); nothing done. Codes: {codes}"),
    "out.resent": ("已重发卡密:{codes}", "Codes resent: {codes}"),
    "out.requeued": ("订单已重新排队自动发货", "Order re-queued for automatic delivery"),
    "out.refunded": ("订单已标记为已退款", "Order marked refunded"),
    "out.approved": ("审核通过,订单进入自动发货", "Approved; the order goes to automatic delivery"),
    "out.rejected": ("已拒绝,订单待退款", "Rejected; the order needs a refund"),
    "out.coupon": ("已为订单 {order_no} 发放优惠券 {code}",
                   "Coupon {code} issued to order {order_no}"),
    "out.coupon_had": ("订单 {order_no} 已于 {at} 获得优惠券 {code},未重复发放",
                       "Order {order_no} already got coupon {code} at {at}; nothing issued"),
    "out.noticed": ("已通知 {n} 个买家:{orders};跳过 {skipped} 个(已通知过)",
                    "Notified {n} buyers: {orders}; skipped {skipped} (already notified)"),
    "out.query_paid": ("网关确认已付款(流水号 {trade_no}),已补单:{result},订单进入自动发货",
                       "The gateway confirms the payment (trade_no {trade_no}); applied: "
                       "{result}, the order goes to automatic delivery"),
    "out.query_dup": ("该付款(流水号 {trade_no})已入账,本次未做任何操作",
                      "That payment (trade_no {trade_no}) was already applied; nothing done"),
    "out.query_unpaid": ("网关显示该订单尚未付款,未做任何操作",
                         "The gateway says the order is not paid; nothing done"),
    "out.query_had": ("订单当前状态为 {state},无需补单,未做任何操作",
                      "The order is {state}; no payment to check, nothing done"),
    "out.query_all": ("查询 {asked} 笔待支付订单:补单 {n} 笔({orders});未付款 {unpaid} 笔;"
                      "查询失败 {failed} 笔",
                      "Asked about {asked} pending orders: {n} paid and applied ({orders}); "
                      "{unpaid} unpaid; {failed} queries failed"),
    "out.imported": ("导入 {n} 个卡密,重复 {dup} 个", "Imported {n} keys, {dup} duplicates"),
    # errors
    "err.login": ("管理令牌不正确,请检查配置中的 admin_token",
                  "Wrong admin token; see admin_token in the shop config"),
    "err.csrf": ("表单已过期或来源不明(CSRF),请刷新页面后重试",
                 "The form expired or did not come from this page (CSRF); reload and try again"),
    "err.no_order": ("订单 {order_no} 不存在", "No order {order_no}"),
    "err.refused": ("操作被拒绝:{reason}", "Refused: {reason}"),
    "err.field": ("字段「{field}」:{reason}", "Field '{field}': {reason}"),
    "err.not_found": ("页面不存在:{path}", "No such page: {path}"),
    "err.method": ("不支持的请求方法 {method}", "Method {method} not allowed here"),
    "err.bad_request": ("请求无法解析:{reason}", "Cannot read the request: {reason}"),
    "err.internal": ("内部错误,请查看服务日志", "Internal error; see the service log"),
    "err.no_mail": ("商店未配置 buyer_mail_url,无法发送买家通知",
                    "The shop has no buyer_mail_url configured; buyer mail cannot be sent"),
    "err.no_delivery": ("订单 {order_no} 还没有发货记录,无法重发",
                        "Order {order_no} has no delivery to resend"),
    "err.state": ("订单 {order_no} 当前状态为 {state},不能执行「{action}」",
                  "Order {order_no} is {state}; cannot do '{action}'"),
    "err.gateway": ("向支付网关查单失败({order_no}):网关无应答或返回错误,请稍后重试或检查网关配置",
                    "The gateway order query failed ({order_no}): no answer or an error; try "
                    "again later or check the gateway settings"),
    "err.query_refused": ("网关返回已付款,但商店拒绝入账:{result}(见 API日志 的已拒绝回调)",
                          "The gateway says paid but the shop refused the payment: {result} "
                          "(see rejected notifies in the API log)"),
    "err.no_product": ("没有本地库存商品 {product}", "No local-stock product {product}"),
}

# the reasons inside err.field
REASONS: dict[str, tuple[str, str]] = {
    "required": ("必填", "required"),
    "too_long": ("太长(最多 {max} 个字符)", "too long (at most {max} characters)"),
    "too_many": ("太多(最多 {max} 个)", "too many (at most {max})"),
    "int": ("请输入 {lo} 到 {hi} 之间的整数", "enter a whole number from {lo} to {hi}"),
    "choice": ("请从 {choices} 中选择", "choose one of {choices}"),
    "placeholder": ("未知占位符 {{{name}}},可用:{{order_no}} {{minutes}} {{coupon}}",
                    "unknown placeholder {{{name}}}; allowed: {{order_no}} {{minutes}} {{coupon}}"),
    "braces": ("花括号不匹配;字面花括号请写成 {{{{ 和 }}}}",
               "unbalanced braces; write a literal brace as {{{{ or }}}}"),
    "code": ("只能包含字母、数字、- 和 _", "letters, digits, - and _ only"),
}


def lang_of(request: Request) -> str:
    """`?lang=` wins and is remembered in the session; default Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        request.session["lang"] = asked
        return asked
    kept = request.session.get("lang")
    return kept if kept in LANGS else "zh"


def t(lang: str, key: str, **params: Any) -> str:
    """The message in the language; an `action` parameter is shown by its button label."""
    zh, en = MESSAGES.get(key, (key, key))
    text = en if lang == "en" else zh
    if isinstance(params.get("action"), str) and f"act.{params['action']}" in MESSAGES:
        params["action"] = t(lang, f"act.{params['action']}")
    return text.format(**params) if params else text


def reason(lang: str, key: str, **params: Any) -> str:
    zh, en = REASONS[key]
    return (en if lang == "en" else zh).format(**params)
