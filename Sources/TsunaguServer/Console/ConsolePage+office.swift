import TsunaguCore

// The supervisors' and the admins' pages: the statistics, the staff and the audit log.
extension ConsolePage {
    static func statistics(_ viewer: Viewer, fiscalYear: Int, month: String) -> String {
        typealias H = HTML
        return layout(
            title: "統計", page: "stats", viewer: viewer,
            [
                H.el("h1", [], H.text("相談統計と事業報告")),
                H.el(
                    "p", [("class", "hint")],
                    H.text("匿名の記録だけから集計しています。少ない件数は「<5」、合計から逆算されないよう伏せた件数は「x」と表示します（tsunagu stats と同じ数字です）。")),
                H.el(
                    "form", [("id", "period-form"), ("class", "inline")],
                    H.el(
                        "div", [("class", "field")], H.el("label", [("for", "period-kind")], H.text("期間")),
                        H.el(
                            "select", [("id", "period-kind")], H.el("option", [("value", "month")], H.text("月")),
                            H.el("option", [("value", "year")], H.text("年度")))),
                    H.el(
                        "div", [("class", "field")], H.el("label", [("for", "period-month")], H.text("月")),
                        H.el("input", [("id", "period-month"), ("type", "month"), ("value", month)])),
                    H.el(
                        "div", [("class", "field")], H.el("label", [("for", "period-year")], H.text("年度")),
                        H.el("input", [("id", "period-year"), ("type", "number"), ("min", "2000"), ("max", "2100"), ("value", "\(fiscalYear)")])),
                    H.el("button", [("type", "submit"), ("class", "primary")], H.text("表示"))),
                H.el("p", [("id", "stats-status"), ("class", "status"), ("role", "status")]),
                H.el("div", [("id", "stats")]),
                H.el("h2", [], H.text("事業報告（KPI）")),
                H.el("div", [("id", "programme")]),
            ])
    }

    static func admin(_ viewer: Viewer) -> String {
        typealias H = HTML
        func field(_ id: String, _ label: String, _ control: HTML) -> HTML {
            H.el("div", [("class", "field")], H.el("label", [("for", id)], H.text(label)), control)
        }
        let roles = [StaffRole.counsellor, .supervisor, .admin].map { H.el("option", [("value", $0.rawValue)], H.text(roleLabel($0))) }
        return layout(
            title: "スタッフと監査ログ", page: "admin", viewer: viewer,
            [
                H.el("h1", [], H.text("スタッフ")),
                H.el(
                    "table", [("class", "staff")],
                    H.el("caption", [], H.text("トークンそのものはどこにも保存されず、表示もされません。")),
                    H.el(
                        "thead", [],
                        H.element("tr", [], ["名前", "役割", "追加日", "無効にした日", "操作"].map { H.el("th", [("scope", "col")], H.text($0)) })),
                    H.el("tbody", [("id", "staff-body")])),
                H.el("h2", [], H.text("スタッフを追加")),
                H.el(
                    "form", [("id", "add-form"), ("class", "inline")],
                    field(
                        "staff-name", "名前（英数字と - _ .、32文字まで）",
                        H.el("input", [("id", "staff-name"), ("type", "text"), ("required", ""), ("autocomplete", "off")])),
                    field("staff-role", "役割", H.element("select", [("id", "staff-role")], roles)),
                    H.el("button", [("type", "submit"), ("class", "primary")], H.text("追加"))),
                H.el(
                    "div", [("id", "new-token"), ("class", "token"), ("hidden", "")],
                    H.el("p", [], H.text("このトークンは今だけ表示されます。本人に直接渡してください。")),
                    H.el("output", [("id", "new-token-value")])),
                H.el("p", [("id", "admin-status"), ("class", "status"), ("role", "status")]),
                H.el("h1", [], H.text("監査ログ")),
                H.el("p", [], H.el("button", [("type", "button"), ("id", "verify")], H.text("改ざんがないか検証する"))),
                H.el("p", [("id", "verify-result"), ("role", "status")]),
                H.el(
                    "table", [("class", "audit")],
                    H.el("caption", [], H.text("新しい順に最大200件")),
                    H.el(
                        "thead", [],
                        H.element("tr", [], ["番号", "日時", "だれが", "操作", "相談", "詳細"].map { H.el("th", [("scope", "col")], H.text($0)) })),
                    H.el("tbody", [("id", "audit-body")])),
            ])
    }
}
