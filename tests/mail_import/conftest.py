import pytest


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """Uploaded mail waits for its job here (not in the instance folder)."""
    app.config["MAIL_IMPORT_DIR"] = str(tmp_path / "mail-uploads")
    return tmp_path / "mail-uploads"


@pytest.fixture
def acme(factories, workspace):
    partner = factories.partner(workspace, name="Acme", website="https://www.acme.test/about")
    contact = factories.contact(partner, name="Carla", email="Carla@Acme.test")
    return partner, contact
