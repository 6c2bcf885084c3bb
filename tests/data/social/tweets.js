window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000001"
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
        "urls": [
          {
            "url": "https://t.co/AbCdEf123",
            "expanded_url": "https://www.example.org/report/2015/ahmadis",
            "display_url": "www.example.org/report",
            "indices": [
              "0",
              "1"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "90"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000001",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000001",
      "created_at": "Wed Dec 02 10:00:00 +0000 2015",
      "favorited": false,
      "full_text": "Ahmadis &amp; everyone else deserve safety &lt;3 #IStandWithAhmadis https://t.co/AbCdEf123",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000002"
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
        "61"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000002",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000002",
      "created_at": "Wed Dec 02 11:00:00 +0000 2015",
      "favorited": false,
      "full_text": "RT @amnesty: Pakistan must protect Ahmadis #IStandWithAhmadis",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000003"
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
            "text": "istandwithahmadis",
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
        "37"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000003",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000003",
      "created_at": "Wed Dec 02 12:00:00 +0500 2015",
      "favorited": false,
      "full_text": "@friend Thank you! #istandwithahmadis",
      "lang": "und",
      "in_reply_to_status_id_str": "672002437000000000",
      "in_reply_to_screen_name": "friend"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000004"
          ],
          "editableUntil": "2015-12-02T11:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "56"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000004",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000004",
      "created_at": "02/12/2015",
      "favorited": false,
      "full_text": "A tweet with a date in another format #IStandWithAhmadis",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "full_text": "A tweet without an id #IStandWithAhmadis",
      "created_at": "Wed Dec 02 12:00:00 +0000 2015"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "672002437000000006"
          ],
          "editableUntil": "2015-12-02T11:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "26"
      ],
      "favorite_count": "3",
      "id_str": "672002437000000006",
      "truncated": false,
      "retweet_count": "1",
      "id": "672002437000000006",
      "created_at": "Thu Dec 03 09:15:00 +0000 2015",
      "favorited": false,
      "full_text": "Nothing about the campaign https://t.co/MeDiA1",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "url": "https://t.co/MeDiA1",
            "expanded_url": "https://twitter.com/someone/status/672002437000000006/photo/1",
            "media_url_https": "https://pbs.twimg.com/media/CVabc123.jpg",
            "type": "photo"
          }
        ]
      }
    }
  }
]
