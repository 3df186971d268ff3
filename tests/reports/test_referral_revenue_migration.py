"""Migration 0018 builds the referral revenue of the books already there (and goes down again)."""

from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


@pytest.mark.usefixtures("migration_app")
def test_an_existing_book_has_its_branch_revenue_after_the_upgrade():
    from app.models import Deal, Partner, Referral, Workspace
    from app.services import referral_tree as rt
    from app.services.reports.period import Period
    from app.services.reports.referral_economics import economics

    db.drop_all()
    upgrade(revision="0013")
    with db.engine.begin() as connection:  # as the book stood before: no flush hooks
        ws = connection.execute(Workspace.__table__.insert().values(name="Old book")).inserted_primary_key[0]

        def partner(name, referrer=None):
            values = {"workspace_id": ws, "name": name, "name_key": name.lower(), "no_prospects": False}
            return connection.execute(
                Partner.__table__.insert().values(**values, referred_by_id=referrer)
            ).inserted_primary_key[0]

        root = partner("Root")
        child = partner("Child", root)
        for pid, generation, direct, size in ((root, 0, 1, 2), (child, 1, 0, 1)):
            connection.execute(
                Referral.__table__.insert().values(
                    partner_id=pid,
                    workspace_id=ws,
                    root_id=root,
                    generation=generation,
                    direct_count=direct,
                    subtree_size=size,
                    subtree_depth=1 - generation,
                )
            )
        connection.execute(
            Deal.__table__.insert().values(
                workspace_id=ws,
                partner_id=child,
                title="Old deal",
                amount=Decimal("120.00"),
                currency="EUR",
                stage="won",
                closed_on=date(2026, 5, 4),
            )
        )
    upgrade(revision="heads")
    assert rt.subtree_revenue(db.session, ws, root) == [("EUR", Decimal("120.00"))]
    top = rt.branch_revenue(db.session, ws)
    assert [(node.name, amount) for node, amount in top["EUR"]] == [("Root", Decimal("120.00"))]
    data = economics(db.session, ws, Period("custom", date(2026, 1, 1), date(2026, 6, 30)), date(2026, 6, 30))
    assert [(g.generation, g.partners, g.revenue) for g in data.generations] == [
        (0, 1, {}),
        (1, 1, {"EUR": Decimal("120.00")}),
    ]
    db.session.rollback()
    downgrade(revision="0013")
    assert "branch_revenue" not in inspect(db.engine).get_table_names()
