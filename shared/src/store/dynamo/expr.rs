//! DynamoDB expressions built from typed values. Conditions and updates are trees of attribute
//! names and values; rendering gives every name a `#name` placeholder and every value a fresh
//! `:vN` placeholder, so a request never needs a hand-written placeholder list and nothing is
//! found by searching expression strings. Safe to copy into new adapters.

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// The right-hand side of a comparison: a value, or another attribute of the same item.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    Value(AttributeValue),
    Attr(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// A condition (or key condition) expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cond {
    /// The attribute is present (on the partition key: the item exists).
    Exists(&'static str),
    /// The attribute is absent (on the partition key: the item does not exist).
    Absent(&'static str),
    Compare(&'static str, Cmp, Operand),
    BeginsWith(&'static str, AttributeValue),
    /// `lo <= attr <= hi`.
    Between(&'static str, AttributeValue, AttributeValue),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// The item exists.
    pub(super) fn item_exists() -> Cond {
        Cond::Exists(super::PK)
    }

    /// The item does not exist.
    pub(super) fn item_absent() -> Cond {
        Cond::Absent(super::PK)
    }

    pub(super) fn cmp(attr: &'static str, op: Cmp, value: AttributeValue) -> Cond {
        Cond::Compare(attr, op, Operand::Value(value))
    }

    pub(super) fn eq(attr: &'static str, value: AttributeValue) -> Cond {
        Cond::cmp(attr, Cmp::Eq, value)
    }

    /// `attr op other`, two attributes of the same item.
    pub(super) fn cmp_attr(attr: &'static str, op: Cmp, other: &'static str) -> Cond {
        Cond::Compare(attr, op, Operand::Attr(other))
    }

    pub(super) fn and(self, other: Cond) -> Cond {
        match self {
            Cond::And(mut v) => {
                v.push(other);
                Cond::And(v)
            }
            c => Cond::And(vec![c, other]),
        }
    }

    pub(super) fn or(self, other: Cond) -> Cond {
        Cond::Or(vec![self, other])
    }

    fn render(&self, p: &mut Params) -> String {
        match self {
            Cond::Exists(a) => format!("attribute_exists({})", p.name(a)),
            Cond::Absent(a) => format!("attribute_not_exists({})", p.name(a)),
            Cond::Compare(a, op, rhs) => {
                let lhs = p.name(a);
                let rhs = match rhs {
                    Operand::Value(v) => p.value(v.clone()),
                    Operand::Attr(b) => p.name(b),
                };
                format!("{lhs} {} {rhs}", op.symbol())
            }
            Cond::BeginsWith(a, v) => format!("begins_with({}, {})", p.name(a), p.value(v.clone())),
            Cond::Between(a, lo, hi) => {
                let name = p.name(a);
                let (lo, hi) = (p.value(lo.clone()), p.value(hi.clone()));
                format!("{name} BETWEEN {lo} AND {hi}")
            }
            Cond::And(cs) => join(cs, " AND ", p),
            Cond::Or(cs) => join(cs, " OR ", p),
        }
    }
}

fn join(cs: &[Cond], sep: &str, p: &mut Params) -> String {
    let parts: Vec<String> = cs.iter().map(|c| format!("({})", c.render(p))).collect();
    parts.join(sep)
}

/// An update expression: `SET`, `ADD` and `REMOVE` clauses.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Update {
    set: Vec<(&'static str, AttributeValue)>,
    add: Vec<(&'static str, AttributeValue)>,
    remove: Vec<&'static str>,
}

impl Update {
    pub(super) fn new() -> Update {
        Update::default()
    }

    pub(super) fn set(mut self, attr: &'static str, value: AttributeValue) -> Update {
        self.set.push((attr, value));
        self
    }

    /// Adds a number to a numeric attribute (created at the value when absent).
    pub(super) fn add(mut self, attr: &'static str, value: AttributeValue) -> Update {
        self.add.push((attr, value));
        self
    }

    /// Deletes an attribute.
    pub(super) fn remove(mut self, attr: &'static str) -> Update {
        self.remove.push(attr);
        self
    }

    fn render(&self, p: &mut Params) -> String {
        let remove = (!self.remove.is_empty()).then(|| {
            let names: Vec<String> = self.remove.iter().map(|a| p.name(a)).collect();
            format!("REMOVE {}", names.join(", "))
        });
        let mut clause = |kw: &str, parts: &[(&'static str, AttributeValue)], sep: &str| {
            if parts.is_empty() {
                return None;
            }
            let items: Vec<String> = parts
                .iter()
                .map(|(a, v)| format!("{}{sep}{}", p.name(a), p.value(v.clone())))
                .collect();
            Some(format!("{kw} {}", items.join(", ")))
        };
        let set = clause("SET", &self.set, " = ");
        let add = clause("ADD", &self.add, " ");
        [set, add, remove]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Placeholders of one request.
#[derive(Debug, Default)]
struct Params {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Params {
    fn name(&mut self, attr: &str) -> String {
        let placeholder = format!("#{attr}");
        self.names.insert(placeholder.clone(), attr.to_string());
        placeholder
    }

    fn value(&mut self, v: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), v);
        placeholder
    }
}

/// The expressions of one request with their placeholder maps (`None` where empty: DynamoDB
/// rejects empty maps).
#[derive(Debug, Default)]
pub(super) struct Rendered {
    pub update: Option<String>,
    pub condition: Option<String>,
    pub names: Option<HashMap<String, String>>,
    pub values: Option<HashMap<String, AttributeValue>>,
}

/// Renders an update and a condition of one request with shared placeholders.
pub(super) fn render(update: Option<&Update>, condition: Option<&Cond>) -> Rendered {
    let mut p = Params::default();
    let update = update.map(|u| u.render(&mut p));
    let condition = condition.map(|c| c.render(&mut p));
    Rendered {
        update,
        condition,
        names: (!p.names.is_empty()).then_some(p.names),
        values: (!p.values.is_empty()).then_some(p.values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> AttributeValue {
        AttributeValue::N(v.to_string())
    }

    #[test]
    fn renders_conditions_and_updates_with_shared_placeholders() {
        let cond = Cond::item_exists()
            .and(Cond::cmp_attr("joined", Cmp::Lt, "total"))
            .and(Cond::cmp(
                "deadline",
                Cmp::Ge,
                AttributeValue::S("d".into()),
            ));
        let upd = Update::new()
            .set("a", n(1))
            .add("joined", n(1))
            .remove("b")
            .remove("c");
        let r = render(Some(&upd), Some(&cond));
        assert_eq!(
            r.update.as_deref(),
            Some("SET #a = :v0 ADD #joined :v1 REMOVE #b, #c")
        );
        assert_eq!(
            r.condition.as_deref(),
            Some("(attribute_exists(#pk)) AND (#joined < #total) AND (#deadline >= :v2)")
        );
        let names = r.names.unwrap();
        assert_eq!(names.len(), 7);
        assert_eq!(names["#total"], "total");
        assert_eq!(r.values.unwrap()[":v2"], AttributeValue::S("d".into()));
    }

    #[test]
    fn empty_maps_are_none() {
        let r = render(None, Some(&Cond::item_absent()));
        assert_eq!(r.condition.as_deref(), Some("attribute_not_exists(#pk)"));
        assert!(r.values.is_none());
        let r = render(None, None);
        assert!(r.names.is_none() && r.condition.is_none());
    }

    #[test]
    fn between_renders_both_bounds() {
        let c = Cond::Between("sk", n(1), n(9));
        let r = render(None, Some(&c));
        assert_eq!(r.condition.as_deref(), Some("#sk BETWEEN :v0 AND :v1"));
    }

    #[test]
    fn or_nests() {
        let c = Cond::item_absent().or(Cond::cmp("until", Cmp::Le, n(5)));
        let r = render(None, Some(&c));
        assert_eq!(
            r.condition.as_deref(),
            Some("(attribute_not_exists(#pk)) OR (#until <= :v0)")
        );
    }
}
