//! The editable fields as form inputs, shared by "New document" and the editor.

use leptos::prelude::*;

use crate::domain::FieldError;

/// The text in each input, exactly as typed.
#[derive(Clone, Copy)]
pub struct FieldInputs {
    pub title: RwSignal<String>,
    pub slug: RwSignal<String>,
    pub tags: RwSignal<String>,
    pub body: RwSignal<String>,
}

impl FieldInputs {
    pub fn new(title: &str, slug: &str, tags: &[String], body: &str) -> FieldInputs {
        FieldInputs {
            title: RwSignal::new(title.to_owned()),
            slug: RwSignal::new(slug.to_owned()),
            tags: RwSignal::new(tags_to_input(tags)),
            body: RwSignal::new(body.to_owned()),
        }
    }

    /// Puts what was typed into the server's form before the client ran over what the
    /// server rendered there, field by field.
    pub fn take_typed(self, typed: TypedEarly) {
        let TypedEarly {
            title,
            slug,
            tags,
            body,
        } = typed;
        for (input, value) in [
            (self.title, title),
            (self.slug, slug),
            (self.tags, tags),
            (self.body, body),
        ] {
            if let Some(value) = value {
                input.set(value);
            }
        }
    }
}

/// The fields whose text in the page differed from what the server rendered into them when
/// the client started: typed (or pasted) before it ran.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypedEarly {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub tags: Option<String>,
    pub body: Option<String>,
}

impl TypedEarly {
    /// The form's inputs by element id (`FieldsForm`), with what each now holds and what
    /// the server rendered into it.
    #[cfg_attr(not(all(feature = "hydrate", not(feature = "ssr"))), allow(dead_code))]
    pub fn from_page(read: impl Fn(&str) -> Option<(String, String)>) -> TypedEarly {
        let typed =
            |id: &str| read(id).and_then(|(now, rendered)| (now != rendered).then_some(now));
        TypedEarly {
            title: typed("title"),
            slug: typed("slug"),
            tags: typed("tags"),
            body: typed("body"),
        }
    }
}

/// Tags are typed as one line, separated by commas or spaces.
pub fn tags_from_input(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn tags_to_input(tags: &[String]) -> String {
    tags.join(", ")
}

#[component]
pub fn FieldsForm(
    inputs: FieldInputs,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional, into)] readonly: Signal<bool>,
    /// Free slugs to offer after a clash; choosing one calls `on_suggestion`.
    #[prop(optional)]
    suggestions: Option<RwSignal<Vec<String>>>,
    #[prop(optional)] on_suggestion: Option<Callback<String>>,
) -> impl IntoView {
    let offered = move || {
        let choose = on_suggestion?;
        let free = suggestions?.get();
        (!free.is_empty()).then(|| {
            let buttons = free
                .into_iter()
                .map(|slug| {
                    let label = format!("Use {slug}");
                    let chosen = slug.clone();
                    view! { <button type="button" aria-label=label on:click=move |_| choose.run(chosen.clone())>{slug}</button> }
                })
                .collect_view();
            view! { <p class="suggestions">"Free instead: " {buttons}</p> }
        })
    };
    let error_for = move |field: &'static str| {
        move || {
            errors
                .read()
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        }
    };
    let invalid = move |field: &'static str| {
        move || {
            errors
                .read()
                .iter()
                .any(|e| e.field == field)
                .then_some("true")
        }
    };
    let body_area = NodeRef::<leptos::html::Textarea>::new();
    let typed = echo_free(inputs.body, body_area);
    view! {
        <div class="field">
            <label for="title">"Title"</label>
            <input
                id="title"
                name="title"
                required
                maxlength="200"
                aria-invalid=invalid("title")
                aria-describedby="title-error"
                readonly=readonly
                prop:value=move || inputs.title.get()
                on:input=move |ev| inputs.title.set(event_target_value(&ev))
            />
            <p id="title-error" class="error">{error_for("title")}</p>
        </div>
        // Nobody has to learn slugs: one is made from the title. It opens by itself when
        // there is something to say about it.
        <details class="more" open=move || {
            invalid("slug")().is_some() || suggestions.is_some_and(|s| !s.read().is_empty())
        }>
            <summary>"More: the document's address"</summary>
            <div class="field">
                <label for="slug">"Slug"</label>
                <input
                    id="slug"
                    name="slug"
                    maxlength="80"
                    aria-invalid=invalid("slug")
                    aria-describedby="slug-help slug-error"
                    readonly=readonly
                    bind:value=inputs.slug
                />
                <p id="slug-help" class="help">
                    "The end of the document's address: lowercase words joined by hyphens, unique among documents. Left empty on a new document, it is made from the title."
                </p>
                <p id="slug-error" class="error">{error_for("slug")}</p>
                {offered}
            </div>
        </details>
        <div class="field">
            <label for="tags">"Tags"</label>
            <input
                id="tags"
                name="tags"
                aria-invalid=invalid("tags")
                aria-describedby="tags-help tags-error"
                readonly=readonly
                bind:value=inputs.tags
            />
            <p id="tags-help" class="help">"Separated by commas, e.g. \"q4, planning\"."</p>
            <p id="tags-error" class="error">{error_for("tags")}</p>
        </div>
        <div class="field">
            <label for="body">"Body"</label>
            <textarea
                id="body"
                name="body"
                rows="18"
                aria-invalid=invalid("body")
                aria-describedby="body-error"
                readonly=readonly
                node_ref=body_area
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    typed.set_value(Some(value.clone()));
                    inputs.body.set(value);
                }
            >
                {inputs.body.get_untracked()}
            </textarea>
            <p id="body-error" class="error">{error_for("body")}</p>
        </div>
    }
}

/// Keeps the body's textarea showing `body` without writing back what was just typed
/// there: in a large document, putting the same megabyte into the textarea on every key cost
/// more than a frame. Whatever else sets `body` (a merge, a restore, a reload) is written.
/// Returns where the input handler notes what was typed.
fn echo_free(
    body: RwSignal<String>,
    area: NodeRef<leptos::html::Textarea>,
) -> StoredValue<Option<String>> {
    let typed = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        body.with(|text| {
            if typed.with_value(|t| is_echo(t.as_deref(), text)) {
                return;
            }
            typed.set_value(None);
            if let Some(element) = area.get_untracked() {
                if element.value() != *text {
                    element.set_value(text);
                }
            }
        });
    });
    typed
}

/// Whether `body` holds just what the person last typed into the textarea, which then
/// holds it already.
fn is_echo(typed: Option<&str>, body: &str) -> bool {
    typed == Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_commas_and_spaces() {
        assert_eq!(tags_from_input(" q4, plan  x,,"), vec!["q4", "plan", "x"]);
        assert!(tags_from_input("  ").is_empty());
    }

    #[test]
    fn only_what_was_just_typed_is_left_out_of_the_textarea() {
        assert!(is_echo(Some("typed"), "typed"));
        // Merged, restored or reloaded text is written, even after typing.
        assert!(!is_echo(Some("typed"), "typed, and merged"));
        assert!(!is_echo(None, "opened"));
    }

    #[test]
    fn tags_round_trip_through_the_input() {
        let tags = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(tags_from_input(&tags_to_input(&tags)), tags);
    }

    #[test]
    fn only_fields_whose_text_differs_from_the_rendered_one_count_as_typed() {
        let typed = TypedEarly::from_page(|id| match id {
            "title" => Some(("Renamed".into(), "Plans".into())),
            "tags" => Some(("a, b".into(), "a, b".into())),
            "body" => Some(("typed\n".into(), "stored\n".into())),
            _ => None,
        });
        assert_eq!(
            typed,
            TypedEarly {
                title: Some("Renamed".into()),
                slug: None,
                tags: None,
                body: Some("typed\n".into()),
            }
        );
    }

    #[test]
    fn what_was_typed_early_replaces_only_its_own_fields() {
        let owner = Owner::new();
        owner.with(|| {
            let inputs = FieldInputs::new("Plans", "plans", &["a".into()], "stored\n");
            inputs.take_typed(TypedEarly {
                body: Some("typed\n".into()),
                ..TypedEarly::default()
            });
            assert_eq!(inputs.body.get_untracked(), "typed\n");
            assert_eq!(inputs.title.get_untracked(), "Plans");
            assert_eq!(inputs.slug.get_untracked(), "plans");
            assert_eq!(inputs.tags.get_untracked(), "a");
        });
    }
}
