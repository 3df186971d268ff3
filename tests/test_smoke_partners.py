def test_partner_list_shows_partners_of_my_workspace_only(logged_in, workspace, other, factories):
    factories.partner(workspace, name="Acme Bakery")
    page = logged_in.get("/partners/").get_data(as_text=True)
    assert "Acme Bakery" in page
    assert "Outsider Partner" not in page


def test_other_workspace_partner_is_404(logged_in, other):
    assert logged_in.get(f"/partners/{other['partner'].id}").status_code == 404
