//! Checked member names. Every generated type has one constant per member,
//! `User::DISPLAY_NAME: Member<User>` holding `"displayName"`, so that
//! `$select`, `$expand` and `$orderby` (and [`Patch::clear`](super::Patch::clear))
//! take names the compiler checks: a misspelt member, or a member of another
//! type, does not compile. Free strings stay possible for what the docs do not
//! list (`&["displayName", "extension_abc_x"]`).

use super::paging::Page;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The JSON name of one member of `T`.
pub struct Member<T> {
    name: &'static str,
    owner: PhantomData<fn() -> T>,
}

impl<T> Member<T> {
    /// Used by the generated constants; `name` is the member's name on the wire.
    pub const fn new(name: &'static str) -> Member<T> {
        Member { name, owner: PhantomData }
    }

    pub const fn name(self) -> &'static str {
        self.name
    }

    /// `$orderby=<name>` (ascending).
    pub fn asc(self) -> OrderKey<T> {
        OrderKey { member: self, descending: false }
    }

    /// `$orderby=<name> desc`.
    pub fn desc(self) -> OrderKey<T> {
        OrderKey { member: self, descending: true }
    }
}

// Manual impls: `T` is only a marker and needs none of these traits itself.
impl<T> Clone for Member<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Member<T> {}

impl<T> PartialEq for Member<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl<T> Eq for Member<T> {}

impl<T> std::hash::Hash for Member<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl<T> fmt::Debug for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Member({:?})", self.name)
    }
}

impl<T> fmt::Display for Member<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// One `$orderby` key: a member and its direction.
pub struct OrderKey<T> {
    member: Member<T>,
    descending: bool,
}

impl<T> Clone for OrderKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for OrderKey<T> {}

impl<T> fmt::Debug for OrderKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrderKey({self})")
    }
}

impl<T> fmt::Display for OrderKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.member.name)?;
        if self.descending {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

/// What `$select` and `$expand` of a `Request<R>` take: a [`Member`] of `R`,
/// or of the items when `R` is a `Page` of them, or a free string.
pub trait MemberOf<R> {
    fn member_name(&self) -> Cow<'_, str>;
}

impl<R> MemberOf<R> for &str {
    fn member_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<R> MemberOf<R> for String {
    fn member_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T> MemberOf<T> for Member<T> {
    fn member_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
}

impl<T> MemberOf<Page<T>> for Member<T> {
    fn member_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
}

/// What `$orderby` of a `Request<R>` takes: a member (ascending), an
/// [`OrderKey`] (`User::DISPLAY_NAME.desc()`), or a free string (`"name desc"`).
pub trait OrderKeyOf<R> {
    fn order_key(&self) -> Cow<'_, str>;
}

impl<R> OrderKeyOf<R> for &str {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<R> OrderKeyOf<R> for String {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T> OrderKeyOf<T> for Member<T> {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
}

impl<T> OrderKeyOf<Page<T>> for Member<T> {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
}

impl<T> OrderKeyOf<T> for OrderKey<T> {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl<T> OrderKeyOf<Page<T>> for OrderKey<T> {
    fn order_key(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct User;
    const DISPLAY_NAME: Member<User> = Member::new("displayName");

    fn selected<R, M: MemberOf<R>>(members: &[M]) -> Vec<String> {
        members.iter().map(|m| m.member_name().into_owned()).collect()
    }

    #[test]
    fn members_name_themselves_for_one_value_and_for_a_page() {
        assert_eq!(selected::<User, _>(&[DISPLAY_NAME]), ["displayName"]);
        assert_eq!(selected::<Page<User>, _>(&[DISPLAY_NAME]), ["displayName"]);
        assert_eq!(selected::<User, _>(&["extension_x"]), ["extension_x"]);
        assert_eq!(DISPLAY_NAME.desc().to_string(), "displayName desc");
        assert_eq!(OrderKeyOf::<Page<User>>::order_key(&DISPLAY_NAME.asc()), "displayName");
        assert_eq!(format!("{DISPLAY_NAME:?}"), "Member(\"displayName\")");
    }
}
