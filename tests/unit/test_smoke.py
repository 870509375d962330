from support import assert_books_balance


def test_post_custom_entry(api):
    response = api.post(f"{api.base}/custom-journal-entries", {
        "memo": "Owner contribution",
        "line_items": [
            {"account_identifier": {"type": "StableName", "stable_name": "CASH"}, "amount": 10_000, "direction": "DEBIT"},
            {"account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"}, "amount": 10_000, "direction": "CREDIT"},
        ],
    })
    print(response.status, response.json())
    assert response.status == 201
    assert_books_balance(api.business_id)
