//! The route table of the emulated API Gateway, built from the routes each function crate
//! declares, so the router and the functions cannot disagree.

/// Which function serves a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    CompanyAdmin,
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

/// Every routed resource method.
pub fn table() -> Vec<Route> {
    let mut routes = Vec::new();
    for (method, resource) in company_admin::ROUTES {
        routes.push(Route {
            method,
            resource,
            target: Target::CompanyAdmin,
            authorized: true,
        });
    }
    routes
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
