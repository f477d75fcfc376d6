"""Model cards, in French and English, written into models/ for each champion.

They are built from what the registry knows: the run's metrics and parameters and the
fairness table logged with it. Aggregates only, no personal data.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
from mlflow import MlflowClient

from training.config import RISK_MODEL, ROUTER_MODEL

CARDS_DIR = Path("models")

_TEXT = {
    "fr": {
        "title": "Fiche modèle",
        "version": "Version",
        "use": "Usage prévu",
        "use_router": (
            "Proposer le service qui traitera une demande d'habitant (12 services) ou, en cas "
            "de doute, la confier à l'accueil général avec trois suggestions. Un agent peut "
            "toujours réorienter la demande."
        ),
        "use_risk": (
            "Classer les demandes selon le besoin d'aide du foyer (risque de crise dans les 90 "
            "jours : expulsion, coupure d'énergie, hébergement d'urgence, information "
            "préoccupante, hospitalisation) pour que les travailleurs sociaux voient d'abord "
            "les situations les plus urgentes, avec les raisons en français clair."
        ),
        "misuse": "Usages proscrits",
        "misuse_text": (
            "Contrôle, sanction, suspicion de fraude, refus ou réduction d'une aide, décision "
            "automatique sans examen humain, notation de personnes hors de l'accueil social."
        ),
        "data": "Données",
        "data_text": (
            "Entraîné sur les demandes et l'historique d'accompagnement du territoire, "
            "caractéristiques calculées à la date de chaque demande (rien de postérieur). "
            "Identifiants pseudonymisés. Langue, handicap, nationalité et QPV ne sont jamais "
            "des variables du modèle ; ils servent uniquement à l'audit d'équité."
        ),
        "metrics": "Performances (période de test)",
        "fairness": "Équité (modèle de risque, période de test)",
        "limits": "Limites",
        "limits_text": (
            "Données synthétiques par défaut : les performances réelles doivent être mesurées "
            "sur les données du territoire. Le score mesure un besoin d'aide estimé, pas une "
            "certitude ; il peut se tromper pour des situations rares ou nouvelles (dérive)."
        ),
        "oversight": "Contrôle humain",
        "oversight_text": (
            "Les travailleurs sociaux décident : ils peuvent accepter, réorienter ou changer la "
            "priorité avec un motif ; ces décisions sont tracées et servent au réentraînement. "
            "Toute personne peut demander l'explication du traitement algorithmique (articles "
            "L311-3-1 et R311-3-1-2 du CRPA)."
        ),
    },
    "en": {
        "title": "Model card",
        "version": "Version",
        "use": "Intended use",
        "use_router": (
            "Suggest the service that will handle a resident's request (12 services) or, when "
            "unsure, hand it to the general desk with three suggestions. Staff can always "
            "reroute it."
        ),
        "use_risk": (
            "Rank requests by the household's need for help (risk of a crisis within 90 days: "
            "eviction, energy cut-off, emergency shelter, child-protection referral, "
            "hospitalisation) so social workers see the most urgent situations first, with "
            "the reasons in plain French."
        ),
        "misuse": "Misuse",
        "misuse_text": (
            "Control, sanctions, fraud suspicion, refusing or reducing aid, automated decisions "
            "without human review, scoring people outside social intake."
        ),
        "data": "Data",
        "data_text": (
            "Trained on the territory's requests and accompaniment history, features computed "
            "as of each request (nothing later). Pseudonymous ids. Language, disability, "
            "nationality and QPV are never model inputs; they serve fairness audits only."
        ),
        "metrics": "Performance (test period)",
        "fairness": "Fairness (risk model, test period)",
        "limits": "Limits",
        "limits_text": (
            "Synthetic data by default: real performance must be measured on the territory's "
            "data. The score estimates a need for help, not a certainty; it can be wrong for "
            "rare or new situations (drift)."
        ),
        "oversight": "Human oversight",
        "oversight_text": (
            "Social workers decide: they accept, reroute or change the priority with a reason; "
            "decisions are logged and feed retraining. Residents can ask for an explanation "
            "of the algorithmic processing (CRPA articles L311-3-1 and R311-3-1-2)."
        ),
    },
}


def _metrics_table(metrics: dict[str, float], prefix: str) -> str:
    rows = [
        f"| {k} | {v:.4f} |"
        for k, v in sorted(metrics.items())
        if k.startswith(prefix) or k.startswith("oracle_")
    ]
    return "\n".join(["| metric | value |", "|---|---:|", *rows])


def write_cards(model: str, version: str, out: Path = CARDS_DIR) -> list[Path]:
    """Write the French and English cards of one registered model version."""
    client = MlflowClient()
    run = client.get_run(client.get_model_version(model, version).run_id)
    prefix = "router_" if model == ROUTER_MODEL else "risk_"
    fairness = ""
    if model == RISK_MODEL:
        local = mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="evaluation/risk_fairness.csv"
        )
        fairness = pd.read_csv(local).round(4).to_markdown(index=False)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for language, text in _TEXT.items():
        use = text["use_router"] if model == ROUTER_MODEL else text["use_risk"]
        body = f"""# {text["title"]} — {model}

{text["version"]} {version} (MLflow run `{run.info.run_id}`).

## {text["use"]}

{use}

## {text["misuse"]}

{text["misuse_text"]}

## {text["data"]}

{text["data_text"]}

## {text["metrics"]}

{_metrics_table(run.data.metrics, prefix)}
"""
        if fairness:
            body += f"\n## {text['fairness']}\n\n{fairness}\n"
        body += f"""
## {text["limits"]}

{text["limits_text"]}

## {text["oversight"]}

{text["oversight_text"]}
"""
        path = out / f"{model}.{language}.md"
        path.write_text(body)
        written.append(path)
    return written
