//! The French catalogue's entries for keeping entries true (proposals and claims) and for
//! the export strategy's entries.

/// The French template of an English one, for proposals and claims.
pub(super) fn lookup(template: &str) -> Option<&'static str> {
    Some(match template {
        "The proposal was decided already." => "La proposition a déjà été tranchée.",
        "The proposal is in conflict." => "La proposition est en conflit.",
        "The proposal is in conflict: its record no longer exists." => {
            "La proposition est en conflit : son enregistrement n'existe plus."
        }
        "The proposal is in conflict: it was made against version {}, and the version now is {}." => {
            "La proposition est en conflit : elle a été faite sur la version {}, et la version actuelle est la {}."
        }
        "The proposal is in conflict: its target changed as it was approved." => {
            "La proposition est en conflit : sa cible a changé pendant son approbation."
        }
        "an organization's own fields can only be updated" => {
            "les champs propres d'une organisation ne peuvent qu'être modifiés"
        }
        "is required to update or remove a record" => {
            "est requis pour modifier ou supprimer un enregistrement"
        }
        "names a record to update or remove only" => {
            "ne désigne qu'un enregistrement à modifier ou supprimer"
        }
        "is required: the version you read (its ETag)" => {
            "est requis : la version que vous avez lue (son ETag)"
        }
        "a removal changes no fields" => "une suppression ne modifie aucun champ",
        "is required: the fields to change" => "est requis : les champs à modifier",
        "must be a JSON object" => "doit être un objet JSON",
        "is kept by curators" => "est tenu par les curateurs",
        "no such record" => "enregistrement inconnu",
        "The claim was decided already." => "La revendication a déjà été tranchée.",
        "You have a pending claim on this organization already." => {
            "Vous avez déjà une revendication en attente sur cette organisation."
        }
        "Your account represents an organization already." => {
            "Votre compte représente déjà une organisation."
        }
        "The claimant's account already represents an organization, or is no longer an active representative's." => {
            "Le compte du demandeur représente déjà une organisation, ou n'est plus celui d'un représentant actif."
        }
        "must be a date from {} to {}" => "doit être une date de {} à {}",
        "must list at most {}" => "doit en lister au plus {}",
        "is listed twice" => "figure deux fois",
        "is used twice" => "est employé deux fois",
        "must be {} to {} letters, digits, {} or {}" => "doit compter de {} à {} lettres, chiffres, {} ou {}",
        "must not be before starts_on" => "ne doit pas précéder starts_on",
        "must not be before start_date" => "ne doit pas précéder start_date",
        "must be at most {}" => "doit valoir au plus {}",
        "must be between -{}^{} and {}^{}" => "doit être entre -{}^{} et {}^{}",
        "must be from {} to {}^{}" => "doit être de {} à {}^{}",
        "must be an ISO {} code such as XOF or EUR" => "doit être un code ISO {} tel que XOF ou EUR",
        "has a measurement already" => "a déjà une mesure",
        "must be the code of one of the strategy's objectives" => {
            "doit être le code d'un des objectifs de la stratégie"
        }
        "must be the id of an organization of the directory" => {
            "doit être l'identifiant d'une organisation de l'annuaire"
        }
        "must be the id of a consultation" => "doit être l'identifiant d'une consultation",
        "must be the id of a barrier" => "doit être l'identifiant d'un obstacle",
        "must be the id of a programme" => "doit être l'identifiant d'un programme",
        "objective {} is named by action {}" => "l'objectif {} est cité par l'action {}",
        "{} entries name this one and it holds {} actions: unlink or delete them first" => {
            "{} entrées citent celle-ci et elle compte {} actions : retirez ces liens ou supprimez-les d'abord"
        }
        "not an id" => "n'est pas un identifiant",
        "the summary takes no {} or {}" => "la synthèse ne prend ni {} ni {}",
        "the export takes no {} or {}" => "l'export ne prend ni {} ni {}",
        "csv or xlsx" => "csv ou xlsx",
        "only for the export" => "seulement pour l'export",
        "{} is none of organization, consultation, barrier, strategy, action, all" => {
            "{} n'est aucune des valeurs organization, consultation, barrier, strategy, action, all"
        }
        _ => return None,
    })
}
