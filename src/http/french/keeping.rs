//! The French catalogue's entries for keeping entries true: proposals and claims.

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
        _ => return None,
    })
}
