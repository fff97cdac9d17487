//! Who reads a document page without the client: a person who may only read the document
//! gets the server's read view and a small live script instead of the editor's wasm
//! (`app/src/ui/client.rs`). The role is known only here, before rendering starts.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header::COOKIE, Method};

use crate::{http::auth::user_from_cookies, state::AppState};
use app::ui::client::{document_page, MayOnlyRead};

/// Marks the request of a document's page whose reader may only read it. Anything that
/// cannot be told (no session, no access, a failing store) leaves the page as it was: the
/// editor's page then says what is wrong, as it always did.
pub async fn mark(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == Method::GET {
        if let Some(id) = document_page(request.uri().path()).map(str::to_owned) {
            let cookies = request
                .headers()
                .get(COOKIE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            if let Ok(Some(user)) = user_from_cookies(&state, cookies.as_deref()).await {
                if let Ok((_, role)) = state.documents().read_as(&id, &user).await {
                    if !role.can_edit() {
                        request.extensions_mut().insert(MayOnlyRead);
                    }
                }
            }
        }
    }
    next.run(request).await
}
