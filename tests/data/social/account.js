window.YTD.account.part0 = [
  {
    "account": {
      "email": "someone@example.org",
      "createdVia": "web",
      "username": "someone",
      "accountId": "1234",
      "createdAt": "2010-01-01T00:00:00.000Z",
      "accountDisplayName": "Some One"
    }
  }
]
