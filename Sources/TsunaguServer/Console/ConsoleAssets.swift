/// The console's style and scripts, compiled into `tsunagud` (`Assets/`, embedded by SwiftPM): nothing is read
/// from disk or fetched from anywhere else at run time.
enum ConsoleAssets {
    struct Asset {
        var contentType: String
        var bytes: [UInt8]
    }

    static func named(_ name: String) -> Asset? {
        switch name {
        case "console.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.console_css)
        case "console.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.console_js)
        case "queue.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.queue_js)
        case "case.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.case_js)
        case "handover.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.handover_js)
        case "stats.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.stats_js)
        case "admin.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.admin_js)
        default: nil
        }
    }
}
