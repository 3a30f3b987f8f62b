//! The route table of the emulated API Gateway, built from the routes each function crate
//! declares, so the router and the functions cannot disagree.

use edge::route_table::Callers;

/// Which function serves a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    CompanyAdmin,
    QuestionCollection,
    QuestionAnswer,
    PersonalDetails,
    Attendance,
    LeaveRequests,
    Slack,
}

impl Target {
    /// Every function behind the API.
    pub const ALL: [Target; 7] = [
        Target::CompanyAdmin,
        Target::QuestionCollection,
        Target::QuestionAnswer,
        Target::PersonalDetails,
        Target::Attendance,
        Target::LeaveRequests,
        Target::Slack,
    ];

    /// The function's crate and binary name, as `template.yaml` builds it.
    pub fn binary(self) -> &'static str {
        match self {
            Target::CompanyAdmin => "company-admin",
            Target::QuestionCollection => "question-collection",
            Target::QuestionAnswer => "question-answer",
            Target::PersonalDetails => "personal-details",
            Target::Attendance => "attendance",
            Target::LeaveRequests => "leave-requests",
            Target::Slack => "slack",
        }
    }
}

/// One REST resource method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    /// API Gateway resource template, e.g. `/employees/{username}`.
    pub resource: &'static str,
    pub target: Target,
    /// Protected by the Cognito authorizer (everything but `/health` and `/slack/*`).
    pub authorized: bool,
}

/// A function's routes as its table declares them: method, resource, callers.
type Declared = Vec<(&'static str, &'static str, Callers)>;

/// Every routed resource method.
pub fn table() -> Vec<Route> {
    let mut routes = Vec::new();
    let functions: [(Declared, Target); 7] = [
        (company_admin::ROUTES.declared(), Target::CompanyAdmin),
        (
            question_collection::ROUTES.declared(),
            Target::QuestionCollection,
        ),
        (question_answer::ROUTES.declared(), Target::QuestionAnswer),
        (personal_details::ROUTES.declared(), Target::PersonalDetails),
        (attendance::ROUTES.declared(), Target::Attendance),
        (leave_requests::ROUTES.declared(), Target::LeaveRequests),
        (slack::ROUTES.declared(), Target::Slack),
    ];
    for (function_routes, target) in functions {
        for (method, resource, callers) in function_routes {
            routes.push(Route {
                method,
                resource,
                target,
                // A signed route (Slack's) has no Cognito token to show.
                authorized: callers != Callers::Signed,
            });
        }
    }
    routes
}

/// The table, built on first use and shared by every request.
pub fn table_once() -> &'static [Route] {
    static TABLE: std::sync::OnceLock<Vec<Route>> = std::sync::OnceLock::new();
    TABLE.get_or_init(table)
}

/// How specific a resource template is: API Gateway prefers literal segments over parameters,
/// so `/exams/current` wins over `/exams/{uid}` for the path `/exams/current`.
pub fn specificity(template: &str) -> usize {
    template
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .count()
}

/// Matches a concrete path against a template; returns the path parameters on success.
pub fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut params = Vec::new();
    for (ts, ps) in t.iter().zip(&p) {
        if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let value = percent_encoding::percent_decode_str(ps)
                .decode_utf8()
                .ok()?
                .into_owned();
            if value.is_empty() {
                return None;
            }
            params.push((name.to_string(), value));
        } else if ts != ps {
            return None;
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_bind_decoded_parameters() {
        assert_eq!(
            match_template("/employees/{username}", "/employees/ram%40acme.test"),
            Some(vec![("username".into(), "ram@acme.test".into())])
        );
        assert_eq!(match_template("/company", "/company/"), Some(vec![]));
        assert_eq!(match_template("/employees/{username}", "/employees"), None);
        assert_eq!(match_template("/employees/{username}", "/employees/"), None);
        assert!(specificity("/exams/current") > specificity("/exams/{uid}"));
    }

    /// (method, path, binary) of every `Api` event in the SAM template.
    fn template_routes() -> Vec<(String, String, String)> {
        let mut routes = Vec::new();
        for (_, resource) in aws_mode::template::functions() {
            let binary = resource["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap()
                .to_string();
            let Some(events) = resource["Properties"]["Events"].as_mapping() else {
                continue;
            };
            for (_, event) in events {
                if event["Type"].as_str() == Some("Api") {
                    let p = &event["Properties"];
                    routes.push((
                        p["Method"].as_str().unwrap().to_ascii_uppercase(),
                        p["Path"].as_str().unwrap().to_string(),
                        binary.clone(),
                    ));
                }
            }
        }
        routes.sort();
        routes
    }

    #[test]
    fn the_router_and_the_sam_template_route_the_same_methods_to_the_same_functions() {
        let mut routed: Vec<(String, String, String)> = table()
            .iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.resource.to_string(),
                    r.target.binary().to_string(),
                )
            })
            .collect();
        routed.sort();
        assert_eq!(routed, template_routes());
    }

    #[test]
    fn every_function_route_is_routed_once() {
        let routes = table();
        for r in &routes {
            assert_eq!(
                routes
                    .iter()
                    .filter(|o| o.method == r.method && o.resource == r.resource)
                    .count(),
                1,
                "{r:?}"
            );
        }
    }
}
