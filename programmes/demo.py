"""Demo programmes from the seed documents: AIS#Emploi and the Générateur de solidarité."""

from datetime import date

from essaimage.demo import sync_m2m, upsert

from .models import Programme


def seed_programmes(structures, people) -> dict[str, Programme]:
    ais, _ = upsert(
        Programme,
        {"name": "AIS#Emploi — feuille de route 2018"},
        {
            # The 2018 roadmap set the course; its projects and their sites run until 2020.
            "lead_structure": structures["Ansa"],
            "start_date": date(2018, 1, 1),
            "end_date": date(2020, 12, 31),
            "description": (
                "L'Accélérateur d'innovation sociale pour l'accès à l'emploi des demandeurs "
                "d'emploi de longue durée : repérer des initiatives locales prometteuses, les "
                "modéliser, les essaimer et les évaluer. 7 innovations essaimées auprès de 48 "
                "structures depuis 2015."
            ),
        },
    )
    sync_m2m(ais.staff, [people["alice"]])
    sync_m2m(ais.funders, [structures["DGEFP"], structures["Fondation pour l'essaimage solidaire"]])

    generator, _ = upsert(
        Programme,
        {"name": "Générateur de solidarité 2022"},
        {
            "lead_structure": structures["Unapei"],
            "start_date": date(2022, 9, 1),
            "end_date": None,
            "description": (
                "Valoriser les dispositifs remarquables des associations locales et les "
                "transmettre aux associations volontaires du réseau, en ciblant le soutien "
                "aux aidants familiaux."
            ),
        },
    )
    sync_m2m(generator.staff, [people["julien"]])
    sync_m2m(generator.funders, [structures["Fondation pour l'essaimage solidaire"]])
    return {"ais": ais, "generator": generator}
