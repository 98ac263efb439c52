//! The French catalogue of problem titles and messages. A message is looked up by its
//! template: the English text with each `code span` and each number replaced by `{}`, which
//! are put back, in order, into the French template. Composite messages (`parameter `x`: …`)
//! are rendered piece by piece.

mod keeping;

/// The French title of an HTTP status, as problems use it.
pub fn title(status: u64) -> Option<&'static str> {
    Some(match status {
        400 => "Requête incorrecte",
        401 => "Non authentifié",
        403 => "Interdit",
        404 => "Introuvable",
        405 => "Méthode non autorisée",
        406 => "Non acceptable",
        409 => "Conflit",
        412 => "Précondition non remplie",
        413 => "Contenu trop volumineux",
        415 => "Type de média non pris en charge",
        422 => "Champs invalides",
        428 => "Précondition requise",
        429 => "Trop de requêtes",
        500 => "Erreur interne",
        503 => "Service indisponible",
        _ => return None,
    })
}

/// The French form of an English message, when the catalogue has it.
pub fn message(english: &str) -> Option<String> {
    let prefixed: [(&str, &str); 6] = [
        ("must be one of ", "doit être l'une des valeurs "),
        ("malformed JSON: ", "JSON mal formé : "),
        ("could not read the body: ", "corps illisible : "),
        ("invalid query parameters: ", "paramètres de requête invalides : "),
        ("invalid path parameter: ", "paramètre de chemin invalide : "),
        ("unknown code; expected ", "code inconnu ; attendu : "),
    ];
    for (prefix, french) in prefixed {
        if let Some(rest) = english.strip_prefix(prefix) {
            return Some(format!(
                "{french}{}",
                message(rest).unwrap_or_else(|| rest.to_owned())
            ));
        }
    }
    if let Some(rest) = english.strip_prefix("parameter `")
        && let Some((name, rest)) = rest.split_once("`: ")
    {
        return Some(format!("paramètre `{name}` : {}", message(rest)?));
    }
    if let Some(rest) = english.strip_prefix("An organization in status ")
        && let Some((status, action)) = rest.trim_end_matches('.').split_once(" cannot be ")
    {
        return Some(format!(
            "Une organisation au statut {status} ne peut pas être {}.",
            participle(action)
        ));
    }
    if let Some(rest) = english.strip_prefix("the request is ")
        && let Some((status, _)) = rest.split_once(';')
    {
        return Some(format!(
            "la demande est {status} ; rouvrez-la pour proposer ou faire avancer des entreprises"
        ));
    }
    if let Some(rest) = english.strip_prefix("a ")
        && let Some((what, moves)) = rest.split_once(" cannot move from ")
        && let Some((from, to)) = moves.split_once(" to ")
    {
        let what = match what {
            "request" => "une demande",
            "match" => "une entreprise retenue",
            _ => return None,
        };
        return Some(format!("{what} ne peut pas passer de {from} à {to}"));
    }
    let (template, holes) = template(english);
    fill(lookup(&template)?, &holes)
}

fn participle(action: &str) -> &str {
    match action {
        "submitted" => "soumise",
        "published" => "publiée",
        "unpublished" => "dépubliée",
        "archived" => "archivée",
        "verified" => "vérifiée",
        "approved" => "approuvée",
        "changes_requested" => "renvoyée en brouillon",
        other => other,
    }
}

/// The text with each `code span` and each number (`1,000,000`, `3166`) replaced by `{}`,
/// and what was replaced.
fn template(text: &str) -> (String, Vec<String>) {
    let (mut template, mut holes) = (String::new(), Vec::new());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '`' {
            let mut hole = String::from('`');
            for next in chars.by_ref() {
                hole.push(next);
                if next == '`' {
                    break;
                }
            }
            holes.push(hole);
            template.push_str("{}");
        } else if c.is_ascii_digit() {
            let mut hole = String::from(c);
            while let Some(&next) = chars.peek() {
                let separator =
                    (next == ',' || next == '.') && hole.chars().last().is_some_and(|l| l.is_ascii_digit());
                if next.is_ascii_digit() || separator {
                    hole.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            // A trailing separator is punctuation, not part of the number.
            let trailing = hole.ends_with([',', '.']).then(|| hole.pop()).flatten();
            holes.push(hole);
            template.push_str("{}");
            template.extend(trailing);
        } else {
            template.push(c);
        }
    }
    (template, holes)
}

fn fill(french: &str, holes: &[String]) -> Option<String> {
    let pieces: Vec<&str> = french.split("{}").collect();
    if pieces.len() != holes.len() + 1 {
        return None;
    }
    let mut out = String::from(pieces[0]);
    for (hole, piece) in holes.iter().zip(&pieces[1..]) {
        out.push_str(hole);
        out.push_str(piece);
    }
    Some(out)
}

fn lookup(template: &str) -> Option<&'static str> {
    Some(match template {
        // The problems every route can answer.
        "Some fields are invalid; see {}." => "Certains champs sont invalides ; voir {}.",
        "Your role does not allow this." => "Votre rôle ne permet pas cette opération.",
        "No resource at this address." => "Aucune ressource à cette adresse.",
        "This path does not accept this method; see the Allow header." => {
            "Ce chemin n'accepte pas cette méthode ; voir l'en-tête Allow."
        }
        "The resource changed since you read it; read it again." => {
            "La ressource a changé depuis votre lecture ; relisez-la."
        }
        "The body exceeds {} bytes." => "Le corps dépasse {} octets.",
        "Send If-Match with the ETag you read." => "Envoyez If-Match avec l'ETag que vous avez lu.",
        "Retry in {} seconds." => "Réessayez dans {} secondes.",
        "The service failed; the request id identifies the fault in our logs." => {
            "Le service a échoué ; l'identifiant de la requête désigne l'incident dans nos journaux."
        }
        "The service cannot answer yet (its database is not answering, or it is starting); retry later." => {
            "Le service ne peut pas encore répondre (sa base de données ne répond pas, ou il démarre) ; réessayez plus tard."
        }
        "The service failed." => "Le service a échoué.",
        "The request was refused." => "La requête a été refusée.",
        // Credentials and accounts.
        "Invalid email or password." => "Adresse électronique ou mot de passe incorrect.",
        "Send {}." => "Envoyez {}.",
        "The Authorization header must be {}." => "L'en-tête Authorization doit être {}.",
        "The credential is invalid, expired or revoked." => {
            "L'identifiant d'accès est invalide, expiré ou révoqué."
        }
        "The refresh token is invalid, expired or revoked." => {
            "Le jeton de rafraîchissement est invalide, expiré ou révoqué."
        }
        "The token is invalid, expired or already used." => "Le jeton est invalide, expiré ou déjà utilisé.",
        "A user with this email already exists." => "Un utilisateur avec cette adresse existe déjà.",
        "You cannot demote or deactivate yourself." => {
            "Vous ne pouvez ni vous rétrograder ni vous désactiver."
        }
        "is not your current password" => "n'est pas votre mot de passe actuel",
        "must not be the email address" => "ne doit pas être l'adresse électronique",
        "a key may be partner or agency; staff roles are held by people" => {
            "une clé peut être partner ou agency ; les rôles du personnel sont tenus par des personnes"
        }
        // The directory.
        "A record with the same unique value already exists." => {
            "Un enregistrement avec la même valeur unique existe déjà."
        }
        "This organization looks like one already in the directory (see {}); send {} to create it anyway." => {
            "Cette organisation ressemble à une organisation déjà présente dans l'annuaire (voir {}) ; envoyez {} pour la créer quand même."
        }
        "You submitted this entry for review; under the four-eyes rule another curator must decide on it." => {
            "Vous avez soumis cette fiche à la relecture ; selon la règle des quatre yeux, un autre curateur doit en décider."
        }
        "is required: say what must change" => "est requis : dites ce qui doit changer",
        "An organization cannot be merged into itself." => {
            "Une organisation ne peut pas être fusionnée avec elle-même."
        }
        "An archived organization cannot be merged; it may be merged already." => {
            "Une organisation archivée ne peut pas être fusionnée ; elle l'a peut-être déjà été."
        }
        "An organization cannot be merged into an archived one." => {
            "Une organisation ne peut pas être fusionnée dans une organisation archivée."
        }
        "Only organizations of the same kind can be merged." => {
            "Seules des organisations du même type peuvent être fusionnées."
        }
        "must name an organization by id or slug" => "doit désigner une organisation par son id ou son slug",
        "An archived organization cannot be changed." => {
            "Une organisation archivée ne peut pas être modifiée."
        }
        "An organization holds at most {} records of this kind." => {
            "Une organisation compte au plus {} enregistrements de ce type."
        }
        "The same record already exists for this organization." => {
            "Le même enregistrement existe déjà pour cette organisation."
        }
        "Send the body as application/json." => "Envoyez le corps en application/json.",
        "a PATCH body is a JSON object of the fields to change" => {
            "un corps PATCH est un objet JSON des champs à modifier"
        }
        "is already the identifier of another organization" => {
            "est déjà l'identifiant d'une autre organisation"
        }
        "must be another organization" => "doit être une autre organisation",
        "no such organization" => "organisation inconnue",
        "no such programme" => "programme inconnu",
        "appears twice" => "apparaît deux fois",
        "give at least one delivery mode" => "indiquez au moins un mode de prestation",
        "give at least one of fr and en" => "indiquez au moins fr ou en",
        "give at least one service code" => "indiquez au moins un code de service",
        "at most {} languages" => "au plus {} langues",
        "at most {} codes" => "au plus {} codes",
        "at most {} characters" => "au plus {} caractères",
        "at most {} identifiers" => "au plus {} identifiants",
        "at most {} values" => "au plus {} valeurs",
        "far too long" => "beaucoup trop long",
        "invalid value" => "valeur invalide",
        "must not be blank" => "ne doit pas être vide",
        "must not contain control characters" => "ne doit pas contenir de caractères de contrôle",
        "must be {} to {} characters long" => "doit compter de {} à {} caractères",
        "must be {} to {}" => "doit être de {} à {}",
        "must be between {} and {}" => "doit être entre {} et {}",
        "must be from {} to {}" => "doit être de {} à {}",
        "must be at least {}" => "doit valoir au moins {}",
        "must be a date from {} to {}" => "doit être une date de {} à {}",
        "must be a year from {} to {}" => "doit être une année de {} à {}",
        "must be in the future" => "doit être dans le futur",
        "must not be before start_year" => "ne doit pas précéder start_year",
        "must not be before the start date" => "ne doit pas précéder la date de début",
        "must be an email address such as name@example.org" => {
            "doit être une adresse électronique comme nom@example.org"
        }
        "must be an http(s) URL such as https://asepex.sn" => {
            "doit être une URL http(s) comme https://asepex.sn"
        }
        "must be in E.{} form, such as +{}" => "doit être au format E.{}, par exemple +{}",
        "must be a NINEA: {} to {} digits, optionally a space and a code like {}G{}" => {
            "doit être un NINEA : {} à {} chiffres, suivis éventuellement d'une espace et d'un code comme {}G{}"
        }
        "must be an RCCM number such as SN-DKR-{}-B-{}" => "doit être un numéro RCCM comme SN-DKR-{}-B-{}",
        "must be a {}-character LEI with valid check digits" => {
            "doit être un LEI de {} caractères aux chiffres de contrôle valides"
        }
        "an ISO {}-{} alpha-{} country code such as SN" => "un code pays ISO {}-{} alpha-{} comme SN",
        "an ISO {}-{} language code such as fr or wo" => "un code de langue ISO {}-{} comme fr ou wo",
        "a certification scheme code from /v{}/certification-schemes" => {
            "un code de référentiel de certification de /v{}/certification-schemes"
        }
        "a service code from /v{}/taxonomy" => "un code de service de /v{}/taxonomy",
        // Query parameters.
        "unknown parameter" => "paramètre inconnu",
        "not a number" => "n'est pas un nombre",
        "must be true or false" => "doit être true ou false",
        "must be asc or desc" => "doit être asc ou desc",
        "must be include or exclude" => "doit être include ou exclude",
        "must be include, exclude or only" => "doit être include, exclude ou only",
        "must be ndjson or csv" => "doit être ndjson ou csv",
        "must be relevance, name, created or updated" => "doit être relevance, name, created ou updated",
        "must be an RFC {} instant" => "doit être un instant RFC {}",
        "partners see published organizations only" => {
            "les partenaires ne voient que les organisations publiées"
        }
        "relevance needs q, and does not apply to a lookup" => {
            "relevance demande q, et ne s'applique pas à une recherche exacte"
        }
        "issued for another sort order" => "émis pour un autre ordre de tri",
        "not issued by this service" => "non émis par ce service",
        "not one this API issued for this query" => "non émis par cette API pour cette requête",
        "cursor is not one this API returned" => "ce curseur n'a pas été émis par cette API",
        "limit must be between {} and {}" => "limit doit être entre {} et {}",
        "{} must be {} or more, {} between {} and {}" => "{} doit valoir {} ou plus, {} entre {} et {}",
        "{} must not be before {}" => "{} ne doit pas précéder {}",
        "{} is not a property; see the Organization schema" => {
            "{} n'est pas une propriété ; voir le schéma Organization"
        }
        "must be a comma-separated list of capabilities, markets, certifications, relationships, programmes, consultations, actions, contacts (staff only)" => {
            "doit être une liste séparée par des virgules de capabilities, markets, certifications, relationships, programmes, consultations, actions, contacts (personnel seulement)"
        }
        "must be SCHEME:VALUE, such as ninea:{} {}G{}" => {
            "doit être SCHÉMA:VALEUR, par exemple ninea:{} {}G{}"
        }
        "must be a host name such as example.sn (no scheme, path or port)" => {
            "doit être un nom d'hôte comme example.sn (sans schéma, chemin ni port)"
        }
        "parameters {} and {}: CSV has one line per organization and fixed columns; use format=ndjson" => {
            "paramètres {} et {} : le CSV a une ligne par organisation et des colonnes fixes ; utilisez format=ndjson"
        }
        // Matching.
        "a new request starts open" => "une nouvelle demande commence à l'état open",
        "a request holds at most {} saved firms" => "une demande retient au plus {} entreprises",
        "a saved firm starts proposed; PATCH it to move it" => {
            "une entreprise retenue commence à l'état proposed ; faites-la avancer par PATCH"
        }
        "this firm is already saved for this request" => {
            "cette entreprise est déjà retenue pour cette demande"
        }
        "at least one weight must be above {}" => "au moins un poids doit dépasser {}",
        "is already required" => "est déjà exigé",
        _ => return keeping::lookup(template),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_code_spans_are_carried_over() {
        assert_eq!(
            message("parameter `limit`: must be between 1 and 100").unwrap(),
            "paramètre `limit` : doit être entre 1 et 100"
        );
        assert_eq!(
            message("must be 1 to 1,000,000").unwrap(),
            "doit être de 1 à 1,000,000"
        );
        assert_eq!(
            message("Retry in 42 seconds.").unwrap(),
            "Réessayez dans 42 secondes."
        );
        assert_eq!(
            message("An organization in status archived cannot be published.").unwrap(),
            "Une organisation au statut archived ne peut pas être publiée."
        );
        assert_eq!(
            message("unknown code; expected an ISO 3166-1 alpha-2 country code such as SN").unwrap(),
            "code inconnu ; attendu : un code pays ISO 3166-1 alpha-2 comme SN"
        );
        assert_eq!(message("parameter `q`: something new"), None);
    }

    #[test]
    fn every_template_fills_with_as_many_holes_as_it_has() {
        let (template, holes) = template("`after` must be 0 or more, `limit` between 1 and 1000");
        assert_eq!(template, "{} must be {} or more, {} between {} and {}");
        assert_eq!(holes, ["`after`", "0", "`limit`", "1", "1000"]);
        assert_eq!(fill("{} et {}", &["a".into()]), None);
    }
}
