//! Log-configuration checks: a repository of realistic logging configuration, one file per
//! family (nginx, Apache, Tomcat, HAProxy, Envoy, IIS, logback/log4j2, Spring, HttpClient wire
//! logging, morgan). Each unsafe file must be flagged by its family's rule at the offending line,
//! and its safe variant (the same file with the fix applied) must come out clean.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{scan, scan_json};

struct Family {
    path: &'static str,
    unsafe_text: &'static str,
    /// (rule id, offending field as reported, 1-based line).
    expect: &'static [(&'static str, &'static str, u64)],
    /// The fix: (unsafe text, safe text) replacements that turn the file into its safe variant.
    fix: &'static [(&'static str, &'static str)],
}

const FAMILIES: &[Family] = &[
    Family {
        path: "etc/nginx/nginx.conf",
        unsafe_text: r#"user  nginx;
worker_processes  auto;

http {
    # log_format debug '$remote_addr $http_cookie';
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" cookie="$http_cookie" auth="$http_authorization"';
    access_log  /var/log/nginx/access.log  main;
    proxy_set_header Cookie $http_cookie;
}
"#,
        expect: &[
            ("log-config-nginx-cookie", "$http_cookie", 8),
            ("log-config-nginx-authorization", "$http_authorization", 8),
        ],
        fix: &[(
            r#" cookie="$http_cookie" auth="$http_authorization""#,
            r#" "$http_x_forwarded_for""#,
        )],
    },
    Family {
        path: "etc/apache2/apache2.conf",
        unsafe_text: r#"ServerRoot "/etc/apache2"
<IfModule log_config_module>
    LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" \"%{Cookie}i\"" combined
    CustomLog ${APACHE_LOG_DIR}/access.log combined
</IfModule>
"#,
        expect: &[("log-config-apache-cookie", "%{Cookie}i", 3)],
        fix: &[(r#" \"%{Cookie}i\""#, "")],
    },
    Family {
        path: "tomcat/conf/server.xml",
        unsafe_text: r#"<?xml version="1.0" encoding="UTF-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps">
        <!-- <Valve className="org.apache.catalina.valves.AccessLogValve" pattern="%h %S" /> -->
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"
               prefix="localhost_access_log" suffix=".txt"
               pattern="%h %l %u %t &quot;%r&quot; %s %b %S" />
      </Host>
    </Engine>
  </Service>
</Server>
"#,
        expect: &[("log-config-tomcat-session-id", "%S", 9)],
        fix: &[(r#"%s %b %S" />"#, r#"%s %b" />"#)],
    },
    Family {
        path: "etc/haproxy/haproxy.cfg",
        unsafe_text: r#"global
    log /dev/log local0

frontend www
    bind *:80
    mode http
    capture cookie JSESSIONID len 63
    http-request capture req.hdr(Authorization) len 64
    default_backend app
"#,
        expect: &[
            ("log-config-haproxy-capture", "JSESSIONID", 7),
            ("log-config-haproxy-capture", "req.hdr(Authorization)", 8),
        ],
        fix: &[
            (
                "capture cookie JSESSIONID len 63",
                "capture request header User-Agent len 64",
            ),
            ("req.hdr(Authorization)", "req.hdr(X-Request-ID)"),
        ],
    },
    Family {
        path: "deploy/envoy.yaml",
        unsafe_text: r#"static_resources:
  listeners:
  - name: listener_0
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          access_log:
          - name: envoy.access_loggers.stdout
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
              log_format:
                json_format:
                  start_time: "%START_TIME%"
                  path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"
                  cookie: "%REQ(COOKIE)%"
"#,
        expect: &[("log-config-envoy-access-log", "%REQ(COOKIE)%", 16)],
        fix: &[(
            r#"cookie: "%REQ(COOKIE)%""#,
            r#"request_id: "%REQ(X-REQUEST-ID)%""#,
        )],
    },
    Family {
        path: "iis/applicationHost.config",
        unsafe_text: r#"<configuration>
  <system.applicationHost>
    <sites>
      <siteDefaults>
        <logFile logFormat="W3C" directory="%SystemDrive%\inetpub\logs\LogFiles" logExtFileFlags="Date, Time, ClientIP, UserName, Method, UriStem, UriQuery, HttpStatus, Cookie, Referer" />
      </siteDefaults>
    </sites>
  </system.applicationHost>
</configuration>
"#,
        expect: &[("log-config-iis-cookie-field", "Cookie", 5)],
        fix: &[("HttpStatus, Cookie, Referer", "HttpStatus, Referer")],
    },
    Family {
        path: "src/main/resources/logback-spring.xml",
        unsafe_text: r#"<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d{ISO8601} %-5level [%thread] [%X{sessionId}] %logger{36} - %msg%n</pattern>
    </encoder>
  </appender>
  <logger name="org.apache.http.wire" level="DEBUG"/>
  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
</configuration>
"#,
        expect: &[
            ("log-config-mdc-session", "%X{sessionId}", 4),
            ("log-config-httpclient-wire", "org.apache.http.wire", 7),
        ],
        fix: &[
            ("%X{sessionId}", "%X{traceId}"),
            (r#"level="DEBUG""#, r#"level="INFO""#),
        ],
    },
    Family {
        path: "src/main/resources/application.properties",
        unsafe_text: r#"server.port=8080
spring.application.name=shop
spring.mvc.log-request-details=true
logging.level.org.springframework.web=TRACE
logging.level.root=INFO
"#,
        expect: &[
            (
                "log-config-log-request-details",
                "spring.mvc.log-request-details",
                3,
            ),
            (
                "log-config-spring-web-trace",
                "logging.level.org.springframework.web",
                4,
            ),
        ],
        fix: &[
            ("log-request-details=true", "log-request-details=false"),
            ("web=TRACE", "web=INFO"),
        ],
    },
    Family {
        path: "src/app.js",
        unsafe_text: r#"const express = require('express');
const morgan = require('morgan');

const app = express();
app.use(morgan(':remote-addr :method :url :status :res[content-length] :req[cookie]'));
app.listen(3000);
"#,
        expect: &[("log-config-morgan-format", ":req[cookie]", 5)],
        fix: &[(":req[cookie]", ":req[user-agent]")],
    },
];

fn write_tree(root: &Path, safe: bool) {
    for family in FAMILIES {
        let path = root.join(family.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let mut text = family.unsafe_text.to_string();
        if safe {
            for (from, to) in family.fix {
                assert!(
                    text.contains(from),
                    "{}: fix does not apply: {from}",
                    family.path
                );
                text = text.replace(from, to);
            }
        }
        fs::write(path, text).expect("write config");
    }
}

/// (rule id, secret, path, line) of every log-config finding, one per sample location.
fn log_config_hits(report: &serde_json::Value) -> BTreeSet<(String, String, String, u64)> {
    let mut hits = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        if f["category"] != "log-config" {
            continue;
        }
        for loc in f["locations"].as_array().expect("locations") {
            hits.insert((
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["secret"].as_str().unwrap_or_default().to_string(),
                loc["path"].as_str().unwrap_or_default().to_string(),
                loc["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    hits
}

#[test]
fn every_config_family_is_flagged_at_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), false);
    let report = scan_json(dir.path(), &[]);
    let hits = log_config_hits(&report);
    let mut expected = BTreeSet::new();
    for family in FAMILIES {
        let path = dir.path().join(family.path);
        for (rule, secret, line) in family.expect {
            expected.insert((
                rule.to_string(),
                secret.to_string(),
                path.display().to_string(),
                *line,
            ));
        }
    }
    assert_eq!(hits, expected, "report: {report:#}");
    // Nothing outside log-config either: these files hold no tokens.
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(hits.len()),
        "unexpected findings: {report:#}"
    );
}

#[test]
fn fixed_configs_are_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), true);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "safe variants must not be flagged: {report:#}"
    );
}

#[test]
fn config_findings_name_the_field_and_the_fix_without_show_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_tree(dir.path(), false);
    let root = dir.path().to_string_lossy();
    let (_, stdout) = scan(&[root.as_ref(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json report");
    let nginx = report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule_id"] == "log-config-nginx-cookie"))
        .unwrap_or_else(|| panic!("nginx finding missing: {report:#}"));
    // The field is configuration, not a secret: it is shown as is, with the config line.
    assert_eq!(nginx["secret_masked"], "$http_cookie");
    assert!(
        nginx["secret"].is_null(),
        "raw secret only with --show-secrets"
    );
    assert!(
        nginx["context"]
            .as_str()
            .is_some_and(|c| c.contains("cookie=\"$http_cookie\"")),
        "context should carry the config line: {nginx:#}"
    );
    let fix = nginx["remediation"].as_str().unwrap_or_default();
    assert!(
        fix.contains("$http_cookie"),
        "remediation should name the field: {fix}"
    );
    assert_eq!(nginx["severity"], "medium");
}

#[test]
fn config_rules_stay_out_of_logs() {
    // The same text in a log file is not configuration: the path scope keeps the rule out.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("access.log"),
        "2026-11-28 reload: log_format main '$remote_addr $http_cookie';\n\
         2026-11-28 DEBUG logging.level.org.springframework.web=TRACE applied\n",
    )
    .expect("write log");
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
}
