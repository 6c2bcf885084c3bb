window.YTD.tweets.part1 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000007"
          ],
          "editableUntil": "2015-12-02T11:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [
          {
            "text": "IStandWithAhmadis",
            "indices": [
              "0",
              "1"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "27"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000007",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000007",
      "created_at": "Thu Dec 10 23:59:59 +0000 2015",
      "favorited": false,
      "full_text": "Last day #IStandWithAhmadis",
      "lang": "en"
    }
  }
]
